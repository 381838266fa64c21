#include "index/verify.h"

#include <string>
#include <vector>

#include <xapian.h>

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
    // Every kind of record can be found by its id term.
    std::vector<std::string> probes;
    if (!atlas.risks.empty()) probes.push_back(atlas.risks.front().id);
    if (!atlas.techniques.empty()) probes.push_back(atlas.techniques.back().id);
    if (!atlas.mitigations.empty()) probes.push_back(atlas.mitigations.front().id);
    if (!atlas.case_studies.empty()) probes.push_back(atlas.case_studies.back().id);
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

Result<std::optional<std::size_t>> live_document_count(const IndexRoot& root) {
  const auto live = root.live_generation();
  if (live.status().code() == StatusCode::kNotFound) return std::optional<std::size_t>();
  if (!live.ok()) return live.status();
  try {
    return std::optional<std::size_t>(Xapian::Database(live->string()).get_doccount());
  } catch (const Xapian::Error& e) {
    return Status::Corruption(live->string() + ": " + e.get_description());
  }
}

}  // namespace riskatlas::index
