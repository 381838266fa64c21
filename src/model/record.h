// The record model: what the atlas holds, independent of where it was read from and how it is indexed.
// Facet fields hold stable facet *values* (see model/taxonomy.h), never display labels.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace riskatlas::model {

enum class RecordType { kRisk, kTechnique, kMitigation };
const char* type_value(RecordType type);  // "risk", "technique", "mitigation"

// One quoted passage from a source: a risk row's own 'Additional ev.' or an 'Additional evidence' row.
struct Evidence {
  std::string id;    // the row's Ev_ID, e.g. "01.01.00" or "01.01.00.a"
  std::string text;  // the quote as published (cleaned UTF-8)
  std::string page;  // page reference ('P.Def' / 'p.AddEv'), may be empty
};

struct Risk {
  std::string id;            // unique within the atlas: the Ev_ID, or "<Ev_ID>-2" etc. when a source repeats one
  std::string ev_id;         // the Ev_ID as published
  std::string paper_id;      // Paper_ID
  std::string source_title;  // title of the source paper
  std::string quickref;      // e.g. "Critch2023"
  std::string level;         // "Risk Category" or "Risk Sub-Category"
  std::string category;      // 'Risk category'
  std::string subcategory;   // 'Risk subcategory', may be empty
  std::string description;
  std::vector<Evidence> evidence;  // the row's own quote first, then merged additional-evidence rows
  std::string entity;     // human | ai | other | not-coded | "" (not given)
  std::string intent;     // intentional | unintentional | other | not-coded | ""
  std::string timing;     // pre-deployment | post-deployment | other | not-coded | ""
  std::string domain;     // "1".."7", "X", or "" when the export leaves it blank
  std::string subdomain;  // "2.2", "X.1", "" ...
  std::string subdomain_label;  // the text after '>' in the export, e.g. "AI system security vulnerabilities and attacks"
  std::string origin;     // "file:line" of the row, for diagnostics
  // Subcategory when there is one, else category.
  const std::string& title() const { return subcategory.empty() ? category : subcategory; }
};

struct Tactic {
  std::string id;  // AML.TA0002
  std::string name;
  std::string description;
  std::string origin;
};

struct Technique {
  std::string id;  // AML.T0020 or sub-technique AML.T0010.002
  std::string name;
  std::string description;
  std::vector<std::string> tactics;  // tactic ids; a sub-technique inherits its parent's when it lists none
  std::string maturity;              // feasible | demonstrated | realized | ""
  std::string parent;                // parent technique id for a sub-technique, else ""
  std::string created;               // dates as published (YYYY-MM-DD), may be empty
  std::string modified;
  std::string origin;
};

struct TechniqueUse {
  std::string technique_id;
  std::string use;  // ATLAS's note on how the mitigation applies to that technique
};

struct Mitigation {
  std::string id;  // AML.M0007
  std::string name;
  std::string description;
  std::vector<std::string> categories;  // technical-ml | technical-cyber | policy
  std::vector<std::string> lifecycle;   // business-and-data-understanding | ... | monitoring-and-maintenance
  std::vector<TechniqueUse> techniques;
  std::string created;
  std::string modified;
  std::string origin;
};

// A source paper of the AI Risk Repository (its 'Paper' row).
struct Source {
  std::string paper_id;
  std::string title;
  std::string quickref;
};

// Risk -> technique, with where the link came from ("links.yaml:12 subdomain 2.2", "register.jsonl:3").
struct Link {
  std::string risk_id;
  std::string technique_id;
  std::string origin;
};

// Expressions that mean the same in this field ("llm", "large language model"), as written in the
// synonyms file; each expands a query to all the others.
struct SynonymGroup {
  std::vector<std::string> expressions;
  std::string origin;  // "synonyms.yaml:12"
};

struct Atlas {
  std::vector<Risk> risks;
  std::vector<Technique> techniques;
  std::vector<Mitigation> mitigations;
  std::vector<Tactic> tactics;
  std::vector<Source> sources;
  std::vector<Link> links;
  std::vector<SynonymGroup> synonyms;
  // What the atlas was built from, reported by /healthz and the UI footer:
  // e.g. "atlas_version" -> "5.6.0", "risk_repository_file" -> "ai-risk-repository.csv".
  std::map<std::string, std::string> versions;
};

}  // namespace riskatlas::model
