#include "index/verify.h"

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include "index/record_document.h"
#include "index/schema.h"

namespace riskatlas::index {
namespace fs = std::filesystem;

Status verify_generation(const fs::path& dir, const WriteSummary& written, const model::Atlas& atlas) {
  try {
    Xapian::Database db(dir.string());
    if (db.get_doccount() != written.documents)
      return Status::Corruption(dir.string() + ": holds " + std::to_string(db.get_doccount()) + " documents, " +
                                std::to_string(written.documents) + " were written");
    if (db.get_metadata(schema::kMetaBuild).empty()) return Status::Corruption(dir.string() + ": build metadata missing");
    // Every kind of record can be found by its id term: the first of each kind that was written (a
    // record whose id cannot be a term was skipped with a warning, not lost by the index).
    std::vector<std::string> probes;
    const auto probe = [&](const auto& records) {
      const auto it = std::find_if(records.begin(), records.end(), [](const auto& r) { return indexable_id(r.id); });
      if (it != records.end()) probes.push_back(it->id);
    };
    probe(atlas.risks);
    probe(atlas.techniques);
    probe(atlas.mitigations);
    probe(atlas.case_studies);
    for (const auto& id : probes) {
      if (db.get_termfreq(std::string(schema::kIdPrefix) + id) != 1)
        return Status::Corruption(dir.string() + ": record " + id + " cannot be found by its id");
    }
    Xapian::Enquire enquire(db);
    enquire.set_query(Xapian::Query::MatchAll);
    if (db.get_doccount() > 0 && enquire.get_mset(0, 1).empty())
      return Status::Corruption(dir.string() + ": a match-all search returned nothing");
  } catch (const Xapian::Error& e) {
    return Status::Corruption(dir.string() + ": " + e.get_description());
  }
  return Status::OK();
}

Result<std::optional<LiveSize>> live_size(const IndexRoot& root) {
  const auto live = root.live_generation();
  if (live.status().code() == StatusCode::kNotFound) return std::optional<LiveSize>();
  if (!live.ok()) return live.status();
  try {
    const Xapian::Database db(live->string());
    LiveSize size;
    size.documents = db.get_doccount();
    const auto build = nlohmann::json::parse(db.get_metadata(schema::kMetaBuild), nullptr, false);
    // find() is end() on anything but an object, a failed parse included.
    if (const auto by_type = build.find("by_type"); by_type != build.end() && by_type->is_object()) {
      for (const auto& [type, n] : by_type->items())
        if (n.is_number_unsigned()) size.by_type[type] = n.get<std::size_t>();
    }
    return std::optional<LiveSize>(std::move(size));
  } catch (const Xapian::Error& e) {
    return Status::Corruption(live->string() + ": " + e.get_description());
  }
}

std::optional<std::string> shrunk_type(const std::map<std::string, std::size_t>& built,
                                       const std::map<std::string, std::size_t>& live, double min_ratio) {
  for (const auto& [type, was] : live) {
    if (was < kGuardedTypeCount) continue;
    const auto now = built.find(type);
    const std::size_t is = now == built.end() ? 0 : now->second;
    if (static_cast<double>(is) < min_ratio * static_cast<double>(was)) return type;
  }
  return std::nullopt;
}

}  // namespace riskatlas::index
