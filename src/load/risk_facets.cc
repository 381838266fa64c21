#include "load/risk_facets.h"

#include <optional>
#include <string_view>

#include "load/clean_text.h"
#include "load/warnings.h"
#include "model/taxonomy.h"
#include "util/utf8.h"

namespace riskatlas::load::detail {

namespace {

using Parser = std::optional<std::string> (*)(std::string_view);

std::string facet(const char* name, Parser parse, const std::string& raw, LoadReport& report,
                  const std::string& where) {
  if (trim(raw).empty()) return "";
  if (auto v = parse(raw)) return *v;
  std::string kept = slug(raw);
  warn(report, where, std::string("unknown ") + name + " '" + std::string(utf8::truncate(raw, 80)) + "': kept as '" +
                          kept + "'");
  return kept;
}

}  // namespace

void apply_risk_facets(const RawFacets& raw, model::Risk& risk, LoadReport& report, const std::string& where,
                       bool& domain_derived) {
  domain_derived = false;
  risk.entity = facet("entity", model::parse_entity, raw.entity, report, where);
  risk.intent = facet("intent", model::parse_intent, raw.intent, report, where);
  risk.timing = facet("timing", model::parse_timing, raw.timing, report, where);
  risk.domain = facet("domain", model::parse_domain, raw.domain, report, where);
  risk.subdomain = facet("subdomain", model::parse_subdomain, raw.subdomain, report, where);
  risk.subdomain_label.clear();
  if (!risk.subdomain.empty()) {
    const auto gt = raw.subdomain.find('>');
    if (gt != std::string::npos) {
      risk.subdomain_label = std::string(trim(std::string_view(raw.subdomain).substr(gt + 1)));
    } else if (auto label = model::known_label("subdomain", risk.subdomain)) {
      // "2.2 AI system security ..." -> "AI system security ..."
      const auto sp = label->find(' ');
      risk.subdomain_label = sp == std::string::npos ? *label : label->substr(sp + 1);
    }
    if (model::parse_subdomain(raw.subdomain)) {
      const std::string sub_domain = model::domain_of_subdomain(risk.subdomain);
      if (risk.domain.empty()) {
        risk.domain = sub_domain;
        domain_derived = true;
      } else if (risk.domain != sub_domain) {
        warn(report, where,
             "domain '" + risk.domain + "' does not contain subdomain '" + risk.subdomain + "': both kept");
      }
    }
  }
}

}  // namespace riskatlas::load::detail
