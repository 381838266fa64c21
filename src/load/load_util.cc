#include "load/load_util.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <unordered_map>
#include <utility>

#include "model/taxonomy.h"
#include "util/utf8.h"

namespace riskatlas::load::detail {

namespace fs = std::filesystem;

Result<std::string> read_file(const fs::path& file) {
  const std::string name = file.string();
  std::error_code ec;
  const fs::file_status st = fs::status(file, ec);
  if (!fs::exists(st)) {
    std::error_code lec;
    if (fs::is_symlink(fs::symlink_status(file, lec)))
      return Status::NotFound(name + ": dangling symbolic link");
    return Status::NotFound(name + ": no such file");
  }
  if (fs::is_directory(st)) return Status::InvalidArgument(name + ": is a directory, expected a file");
  if (!fs::is_regular_file(st)) return Status::InvalidArgument(name + ": not a regular file");
  const std::uintmax_t size = fs::file_size(file, ec);
  if (ec) return Status::IOError(name + ": cannot read size: " + ec.message());
  if (size > kMaxFileBytes)
    return Status::InvalidArgument(name + ": too large (" + std::to_string(size) + " bytes, limit " +
                                   std::to_string(kMaxFileBytes) + ")");
  const auto mtime_before = fs::last_write_time(file, ec);

  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::IOError(name + ": cannot open: " + std::strerror(errno));
  std::string data;
  data.reserve(static_cast<std::size_t>(size));
  char buf[65536];
  while (in) {
    in.read(buf, sizeof buf);
    data.append(buf, static_cast<std::size_t>(in.gcount()));
    if (data.size() > kMaxFileBytes) return Status::InvalidArgument(name + ": too large (grew while being read)");
  }
  if (in.bad()) return Status::IOError(name + ": read error");
  std::error_code ec2;
  const auto mtime_after = fs::last_write_time(file, ec2);
  if (data.size() != size || (!ec && !ec2 && mtime_before != mtime_after))
    return Status::IOError(name + ": file changed while being read (is an export still running?)");
  return data;
}

std::string display_name(const fs::path& file) {
  const std::string n = file.filename().string();
  return n.empty() ? file.string() : n;
}

std::string where(std::string_view name, std::size_t line) {
  return std::string(name) + ":" + std::to_string(line);
}

namespace {
std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}
}  // namespace

std::string CleanCounts::describe() const {
  std::string out = "repaired:";
  const char* sep = " ";
  if (replaced > 0) {
    out += sep + plural(replaced, "invalid UTF-8 sequence", "invalid UTF-8 sequences") + " replaced by U+FFFD";
    sep = ", ";
  }
  if (removed > 0) {
    out += sep + plural(removed, "control character", "control characters") + " removed";
    sep = ", ";
  }
  if (truncated > 0) {
    out += sep + plural(truncated, "field", "fields") + " cut to " + std::to_string(kMaxFieldBytes) + " bytes";
  }
  return out;
}

std::string clean_text(std::string_view raw, CleanCounts& counts) {
  std::string_view in = raw;
  if (in.size() > kMaxFieldBytes) {
    ++counts.truncated;
    in = in.substr(0, kMaxFieldBytes + 4);  // clean() below may shorten it; truncate again after
  }
  utf8::Cleaned c = utf8::clean(in);
  counts.replaced += c.replaced;
  counts.removed += c.removed;
  std::string_view t = trim(c.text);
  t = utf8::truncate(t, kMaxFieldBytes);
  return std::string(t);
}

IdRegistry::IdRegistry(const model::Atlas& atlas) {
  for (const auto& r : atlas.risks) ids_.insert(r.id);
  for (const auto& t : atlas.techniques) ids_.insert(t.id);
  for (const auto& m : atlas.mitigations) ids_.insert(m.id);
  for (const auto& t : atlas.tactics) ids_.insert(t.id);
}

std::string IdRegistry::claim(const std::string& base) {
  if (ids_.insert(base).second) return base;
  for (std::size_t n = 2;; ++n) {
    std::string id = base + "-" + std::to_string(n);
    if (ids_.insert(id).second) return id;
  }
}

void warn(LoadReport& report, std::string where, std::string message) {
  report.warnings.push_back(Diagnostic{std::move(where), std::move(message)});
}

void skip(LoadReport& report, std::string where, std::string message) {
  ++report.stats.skipped;
  warn(report, std::move(where), "skipped: " + std::move(message));
}

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

void inherit_parent_tactics(model::Atlas& atlas, std::size_t first, LoadReport& report) {
  std::unordered_map<std::string, std::size_t> by_id;
  for (std::size_t i = 0; i < atlas.techniques.size(); ++i) by_id.emplace(atlas.techniques[i].id, i);
  for (std::size_t i = first; i < atlas.techniques.size(); ++i) {
    model::Technique& t = atlas.techniques[i];
    if (t.parent.empty()) continue;
    const auto it = by_id.find(t.parent);
    if (it == by_id.end()) {
      warn(report, t.origin + " (technique " + t.id + ")", "parent technique '" + t.parent + "' not found");
      continue;
    }
    if (t.tactics.empty()) t.tactics = atlas.techniques[it->second].tactics;
  }
}

void add_version(model::Atlas& atlas, const std::string& key, const std::string& value) {
  std::string& v = atlas.versions[key];
  if (v.empty()) {
    v = value;
  } else if (v != value && v.find(", " + value) == std::string::npos && v.rfind(value + ", ", 0) != 0) {
    v += ", " + value;
  }
}

void dedupe_links(LoadReport& report) {
  auto& links = report.atlas.links;
  std::unordered_set<std::string> seen;
  std::size_t out = 0;
  for (std::size_t i = 0; i < links.size(); ++i) {
    std::string key = links[i].risk_id;
    key += '\0';
    key += links[i].technique_id;
    if (!seen.insert(std::move(key)).second) continue;
    if (out != i) links[out] = std::move(links[i]);
    ++out;
  }
  links.resize(out);
  report.stats.links = links.size();
}

}  // namespace riskatlas::load::detail
