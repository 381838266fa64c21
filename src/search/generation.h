// One open, immutable index generation, shared by all request threads.
// Xapian::Database objects are not shared between threads: a request leases one from the
// generation's pool and returns it when the lease ends.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include "search/facet_counter.h"
#include "search/shard_set.h"
#include "util/status.h"

namespace riskatlas::search {

struct GenerationInfo {
  std::filesystem::path dir;  // the location opened: a database or generation directory, or a front stub
  std::string name;  // directory name, e.g. gen-20261128T110000.123Z-42
  std::string uuid;  // the database UUID: the identity of this build
  std::size_t documents = 0;
  nlohmann::json build;  // the indexer's build metadata (built_at, versions, load statistics)
  FacetLabels labels;
  nlohmann::json linked = nlohmann::json::object();  // kind -> ATLAS id -> shared fields (index/stored_record.h)
  // The vocabulary's expressions of two or more words, as indexed words, sorted: completions of a
  // search box (completion.h). Empty over remote shards, whose synonym table is not listed.
  std::vector<std::string> phrases;
  std::string analyzer_version;  // the analyzer that built the index
  bool analyzer_matches = true;  // false when this binary's analyzer differs: queries may not match
};

class Generation {
 public:
  // Opens a generation directory (a Xapian database with riskatlas metadata, or a sharded generation)
  // or a front stub (shard_set.h); remote shards get `remote_timeout` per operation.
  static Result<std::shared_ptr<Generation>> open(const std::filesystem::path& dir,
                                                  std::chrono::milliseconds remote_timeout = kDefaultRemoteTimeout);
  static constexpr std::chrono::milliseconds kDefaultRemoteTimeout{5000};

  // The database UUID of the index in `dir`, which identifies its build, without loading its facet
  // table; Unavailable when it cannot be opened, Corruption when it is not an index of our schema.
  static Result<std::string> build_uuid(const std::filesystem::path& dir,
                                        std::chrono::milliseconds remote_timeout = kDefaultRemoteTimeout);

  const GenerationInfo& info() const { return info_; }
  // Whether a match spy, posting source or sort key of ours can run on this generation and tell its
  // documents apart by the docid it is given: one database, or local shards that number their
  // documents by one sequence (index/shards.h). Not over remote shards: xapian-tcpsrv runs only
  // Xapian's own spies.
  bool spies_run() const { return spies_run_; }
  // Every document's facet values, for fast exact counting; null unless spies_run(), and counts
  // come from value slots.
  const FacetTable* facet_table() const { return spies_run_ ? &facet_table_ : nullptr; }
  const ShardSet& shards() const { return shards_; }

  // A database handle for one thread's use until the lease ends.
  class Lease {
   public:
    Lease(Lease&& other) noexcept : owner_(other.owner_), db_(std::move(other.db_)) { other.owner_ = nullptr; }
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Xapian::Database& db() { return *db_; }
    // Replaces the handle with a freshly opened one (after a DatabaseModifiedError or I/O error);
    // Unavailable, keeping the old handle, when the generation can no longer be opened.
    Status reopen();

   private:
    friend class Generation;
    Lease(const Generation* owner, std::unique_ptr<Xapian::Database> db) : owner_(owner), db_(std::move(db)) {}
    const Generation* owner_;
    std::unique_ptr<Xapian::Database> db_;
  };
  // Unavailable when no pooled handle is left and the directory can no longer be opened (removed or
  // damaged since open()).
  Result<Lease> lease() const;

  // A read of this generation failed for a reason other than a concurrent change (a damaged or
  // truncated file). The first such failure is kept, so /healthz can say the generation is unhealthy
  // until a new build replaces it.
  void report_damage(const std::string& what) const;
  std::string damage() const;  // empty while no read has failed

 private:
  Generation(GenerationInfo info, bool spies_run, FacetTable facet_table, ShardSet shards)
      : info_(std::move(info)), spies_run_(spies_run), facet_table_(std::move(facet_table)), shards_(std::move(shards)) {}
  GenerationInfo info_;
  bool spies_run_;
  FacetTable facet_table_;
  ShardSet shards_;
  mutable std::mutex mutex_;
  mutable std::vector<std::unique_ptr<Xapian::Database>> pool_;
  mutable std::string damage_;
};

}  // namespace riskatlas::search
