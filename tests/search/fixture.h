// A tiny atlas built in code, indexed into a scratch directory, for search tests whose answers are
// worked out by hand.
#pragma once

#include <memory>
#include <string>

#include "index/index_writer.h"
#include "load/corpus.h"
#include "model/record.h"
#include "search/generation.h"
#include "search/searcher.h"
#include "test_support.h"

namespace riskatlas::testing {

inline model::Risk make_risk(std::string id, std::string title, std::string description, std::string quote,
                             std::string domain, std::string subdomain, std::string entity, std::string intent,
                             std::string timing, std::string source = "Security of Learning Systems",
                             std::string quickref = "Alpha2023") {
  model::Risk r;
  r.id = r.ev_id = std::move(id);
  r.level = "Risk Category";
  r.category = std::move(title);
  r.description = std::move(description);
  r.evidence.push_back({r.id, std::move(quote), "3"});
  r.domain = std::move(domain);
  r.subdomain = std::move(subdomain);
  r.entity = std::move(entity);
  r.intent = std::move(intent);
  r.timing = std::move(timing);
  r.source_title = std::move(source);
  r.quickref = std::move(quickref);
  return r;
}

inline model::Atlas tiny_atlas() {
  model::Atlas a;
  a.risks = {
      make_risk("01.01.00", "Training data poisoning", "An attacker injects poisoned samples into the training set.",
                "Poisoning attacks corrupt models quietly.", "2", "2.2", "human", "intentional", "pre-deployment"),
      make_risk("01.02.00", "Model evasion", "Adversarial examples fool a deployed classifier.",
                "The data poisoning literature is related but distinct.", "2", "2.2", "human", "intentional",
                "post-deployment"),
      make_risk("02.01.00", "Biased hiring outcomes", "Automated screening treats groups unfairly.",
                "<script>alert(1)</script> appeared in a scraped r\xC3\xA9sum\xC3\xA9.", "1", "1.1", "ai", "unintentional",
                "post-deployment", "Fairness Review", "Beta2022"),
      make_risk("02.02.00", "Toxic generated content", "Language models emit toxic or hateful text.",
                "Filters miss coded slurs.", "1", "1.2", "ai", "unintentional", "post-deployment", "Fairness Review",
                "Beta2022"),
      make_risk("03.01.00", "Misleading medical advice", "A chatbot gives confident but wrong medical advice.",
                "Patients trusted the answers.", "3", "3.1", "ai", "unintentional", "post-deployment",
                "Health Chatbots", "Gamma2024"),
      make_risk("03.02.00", "Backdoor in a fine-tuned model", "A hidden trigger makes the model misbehave on demand.",
                "Triggers survive further training.", "2", "2.2", "human", "intentional", "pre-deployment",
                "Hidden Triggers", "Delta2021"),
  };
  a.tactics = {{"AML.TA0003", "Resource Development", "Preparing capabilities.", ""},
               {"AML.TA0007", "Defense Evasion", "Avoiding detection.", ""}};
  auto technique = [](std::string id, std::string name, std::string description, std::string tactic,
                      std::string parent = "") {
    model::Technique t;
    t.id = std::move(id);
    t.name = std::move(name);
    t.description = std::move(description);
    t.tactics = {std::move(tactic)};
    t.parent = std::move(parent);
    t.maturity = "demonstrated";
    return t;
  };
  a.techniques = {
      technique("AML.T0020", "Poison Training Data", "Adversaries alter the data a model learns from.", "AML.TA0003"),
      technique("AML.T0015", "Evade AI Model", "Inputs crafted so the model misclassifies them.", "AML.TA0007"),
      technique("AML.T0018", "Manipulate AI Model", "Changing a model's weights or code.", "AML.TA0003"),
      technique("AML.T0018.000", "Poison AI Model", "Embedding a backdoor during training.", "AML.TA0003",
                "AML.T0018"),
  };
  auto mitigation = [](std::string id, std::string name, std::vector<std::string> lifecycle,
                       std::vector<std::string> categories, std::vector<model::TechniqueUse> uses) {
    model::Mitigation m;
    m.id = std::move(id);
    m.name = std::move(name);
    m.description = "Keeps " + m.name + " in place.";
    m.lifecycle = std::move(lifecycle);
    m.categories = std::move(categories);
    m.techniques = std::move(uses);
    return m;
  };
  a.mitigations = {
      mitigation("AML.M0007", "Sanitize Training Data", {"data-preparation"}, {"technical-ml"},
                 {{"AML.T0020", "Remove suspicious samples before training."},
                  {"AML.T0018.000", "Check data for planted triggers."}}),
      mitigation("AML.M0015", "Adversarial Input Detection", {"deployment", "monitoring-and-maintenance"},
                 {"technical-ml"}, {{"AML.T0015", "Flag inputs that look crafted."}}),
      mitigation("AML.M0013", "Code Signing", {"deployment"}, {"technical-cyber"},
                 {{"AML.T0018", "Only load signed model artifacts."}}),
  };
  a.links = {{"01.01.00", "AML.T0020", "test"},
             {"01.02.00", "AML.T0015", "test"},
             {"03.02.00", "AML.T0018", "test"},
             {"03.02.00", "AML.T0018.000", "test"}};
  a.synonyms = {{{"llm", "language model"}, "test"},
                {{"trojan", "backdoor"}, "test"},
                {{"denial", "samples before training"}, "test"}};
  a.versions["atlas_version"] = "test";
  return a;
}

// A corpus folder loaded as the indexer loads it; one without a links file (the published exports)
// takes corpus/'s. Throws when it does not load.
inline model::Atlas load_linked_corpus(const std::filesystem::path& dir) {
  load::CorpusOptions options;
  options.corpus_dir = dir;
  if (!std::filesystem::exists(dir / "links.yaml") && !std::filesystem::exists(dir / "links.csv"))
    options.links_file = corpus_dir() / "links.yaml";
  auto loaded = load::load_corpus(options);
  if (!loaded.ok()) throw std::runtime_error(loaded.status().to_string());
  return std::move(loaded->atlas);
}

// Builds the tiny atlas once per test process and opens it.
inline std::shared_ptr<const search::Generation> tiny_generation() {
  static std::shared_ptr<const search::Generation> gen = [] {
    static ScratchDir dir("tiny-index");
    Diagnostics warnings;
    const auto db = dir.path() / "gen-tiny";
    auto written = index::write_database(tiny_atlas(), db, {}, warnings);
    if (!written.ok()) throw std::runtime_error(written.status().to_string());
    auto opened = search::Generation::open(db);
    if (!opened.ok()) throw std::runtime_error(opened.status().to_string());
    return std::shared_ptr<const search::Generation>(opened.value());
  }();
  return gen;
}

// One search of the tiny atlas; the caller checks that it succeeded.
inline Result<search::SearchResponse> search_tiny(search::SearchRequest request) {
  analysis::Analyzer analyzer;
  search::Searcher searcher(tiny_generation(), analyzer);
  return searcher.search(request);
}

}  // namespace riskatlas::testing
