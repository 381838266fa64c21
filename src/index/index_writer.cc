#include "index/index_writer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <exception>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <xapian.h>

#include "analysis/analyzer.h"
#include "index/generations.h"
#include "index/record_document.h"
#include "index/schema.h"
#include "index/shards.h"
#include "index/text_keys.h"

namespace riskatlas::index {
namespace {

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Each expression of a group becomes a synonym-table key whose synonyms are the group's other
// expressions, stored as indexed words (the searcher phrases them).
void add_vocabulary(Xapian::WritableDatabase& db, const std::vector<model::SynonymGroup>& groups,
                    analysis::Analyzer& analyzer, Diagnostics& warnings) {
  for (const auto& group : groups) {
    std::vector<std::pair<std::string, std::string>> forms;  // key, words
    for (const auto& expression : group.expressions) {
      const auto tokens = analyzer.analyze(expression);
      std::string key = synonym_key(tokens), words = synonym_words(tokens);
      if (key.empty() || key.size() > schema::kMaxXapianTermBytes || words.size() > schema::kMaxXapianTermBytes) {
        warnings.push_back({group.origin, "synonym '" + expression + "' has no searchable words or is too long: ignored"});
        continue;
      }
      forms.emplace_back(std::move(key), std::move(words));
    }
    for (const auto& [key, words] : forms)
      for (const auto& [other_key, other_words] : forms)
        if (other_key != key) db.add_synonym(key, other_words);
  }
}

// Documents are built on one thread (analysis, stored JSON, terms) and written on another (Xapian's
// inverter, flushes and compression), in order, through a small bounded queue: the two halves of a
// build then run on two cores at once.
class Handover {
 public:
  // False once the writer has stopped: the builder stops too.
  bool push(BuiltDocument&& built) {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] { return queue_.size() < kCapacity || stopped_; });
    if (stopped_) return false;
    queue_.push_back(std::move(built));
    ready_.notify_one();
    return true;
  }

  // The builder has built everything (or failed with `error`).
  void finish(std::exception_ptr error) {
    std::lock_guard lock(mutex_);
    finished_ = true;
    error_ = error;
    ready_.notify_one();
  }

  // The next document; nothing after the last. Rethrows the builder's failure, after the documents
  // it built before it.
  std::optional<BuiltDocument> pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return !queue_.empty() || finished_; });
    if (queue_.empty()) {
      if (error_) std::rethrow_exception(error_);
      return std::nullopt;
    }
    BuiltDocument built = std::move(queue_.front());
    queue_.pop_front();
    room_.notify_one();
    return built;
  }

  // The writer gives up: pushes fail from now on.
  void stop() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    room_.notify_all();
  }

 private:
  static constexpr std::size_t kCapacity = 64;
  std::mutex mutex_;
  std::condition_variable ready_, room_;
  std::deque<BuiltDocument> queue_;
  bool finished_ = false, stopped_ = false;
  std::exception_ptr error_;
};

// Where build_documents' records come from.
struct BuildInputs {
  const model::Atlas& atlas;
  const model::LinkGraph& graph;
  const FacetLabels& labels;
  const nlohmann::json& linked;  // linked_fields(atlas, graph, labels)
};

// Runs build_documents() on a thread of its own; the documents come out of pop() in order.
class DocumentBuilder {
 public:
  DocumentBuilder(const BuildInputs& in, analysis::Analyzer& analyzer, Diagnostics& warnings,
                  const RecordSelection& selection)
      : thread_([&, selection, this] {
          struct Stopped {};
          std::exception_ptr error;
          try {
            build_documents(
                in.atlas, in.graph, in.labels, in.linked, analyzer, warnings,
                [this](BuiltDocument&& built) {
                  if (!handover_.push(std::move(built))) throw Stopped{};
                },
                selection);
          } catch (const Stopped&) {
          } catch (...) {
            error = std::current_exception();
          }
          handover_.finish(error);
        }) {}

  // Stops and joins the thread; only then may its analyzer and warnings be used again.
  ~DocumentBuilder() { join(); }

  std::optional<BuiltDocument> next() { return handover_.pop(); }

  void join() {
    if (!thread_.joinable()) return;
    handover_.stop();
    thread_.join();
  }

 private:
  Handover handover_;  // before thread_, which uses it
  std::thread thread_;
};

std::size_t cores() { return std::max(1u, std::thread::hardware_concurrency()); }

std::size_t ceil_div(std::size_t a, std::size_t b) { return (a + b - 1) / b; }

void remove_partial(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

// The metadata every reader checks (generation.cc): analyzer and schema; `labels`, `linked` and `build` only
// in the database the server reads them from (the only one, or a sharded set's vocabulary).
void set_common_metadata(Xapian::WritableDatabase& db) {
  db.set_metadata(schema::kMetaAnalyzer, analysis::analyzer_version());
  db.set_metadata(schema::kMetaSchema, schema::kSchemaVersion);
}

// Where build_documents' output goes: one database, or one queue per writer thread of a sharded set.
class DocumentSink {
 public:
  virtual ~DocumentSink() = default;
  virtual void add(const std::string& id, Xapian::Document&& doc) = 0;
};

// Commits a database after every `per_commit` documents written to it (WriteOptions::documents_per_commit).
class CommitCounter {
 public:
  explicit CommitCounter(Xapian::doccount per_commit) : per_commit_(per_commit) {}
  void written(Xapian::WritableDatabase& db) {
    if (++uncommitted_ < per_commit_) return;
    db.commit();
    uncommitted_ = 0;
  }

 private:
  Xapian::doccount per_commit_;
  Xapian::doccount uncommitted_ = 0;
};

class SingleSink : public DocumentSink {
 public:
  SingleSink(Xapian::WritableDatabase& db, Xapian::doccount per_commit) : db_(db), commits_(per_commit) {}
  void add(const std::string&, Xapian::Document&& doc) override {
    db_.add_document(doc);
    commits_.written(db_);
  }

 private:
  Xapian::WritableDatabase& db_;
  CommitCounter commits_;
};

// Writer threads, each owning the WritableDatabases of shards k with k % threads == its number; the
// thread calling add() hands documents over through bounded queues.
// Each record keeps the docid it would have in one database (shards.h, kGlobalDocids).
class ShardedSink : public DocumentSink {
 public:
  ShardedSink(const std::filesystem::path& dir, std::size_t shards, std::size_t threads,
              const std::string& generation, Xapian::doccount per_commit)
      : shards_(shards), counts_(shards, 0), commits_(shards, CommitCounter(per_commit)) {
    for (std::size_t w = std::min(shards, threads); w > 0; --w) workers_.push_back(std::make_unique<Worker>());
    for (std::size_t k = 0; k < shards; ++k) {
      auto db = std::make_unique<Xapian::WritableDatabase>((dir / shard_name(k)).string(),
                                                            Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS);
      set_common_metadata(*db);
      db->set_metadata(schema::kMetaShard, shard_meta_text({generation, shards, k, true}));
      dbs_.push_back(std::move(db));
    }
    for (std::size_t w = 0; w < workers_.size(); ++w) workers_[w]->thread = std::thread([this, w] { work(w); });
  }
  ~ShardedSink() override { (void)finish(); }  // unwinding: the build is removed whatever this says

  void add(const std::string& id, Xapian::Document&& doc) override {
    const std::size_t k = shard_of(id, shards_);
    ++counts_[k];
    const Xapian::docid did = ++added_;
    Worker& w = *workers_[k % workers_.size()];
    std::unique_lock lock(w.mutex);
    w.space.wait(lock, [&] { return w.queue.size() < kQueueDepth || w.failed; });
    if (w.failed) return;  // finish() reports the error
    w.queue.push_back({k, did, std::move(doc)});
    w.ready.notify_one();
  }

  // Commits every shard and joins the threads; the first error of any writer, else OK.
  Status finish() {
    for (auto& w : workers_) {
      {
        std::lock_guard lock(w->mutex);
        w->closed = true;
      }
      w->ready.notify_one();
    }
    for (auto& w : workers_)
      if (w->thread.joinable()) w->thread.join();
    for (auto& w : workers_)
      if (!w->error.empty()) return Status::IOError(w->error);
    return Status::OK();
  }
  const std::vector<std::size_t>& counts() const { return counts_; }

 private:
  static constexpr std::size_t kQueueDepth = 256;
  struct Worker {
    std::thread thread;
    std::mutex mutex;
    std::condition_variable ready, space;
    struct Item {
      std::size_t shard;
      Xapian::docid did;
      Xapian::Document doc;
    };
    std::deque<Item> queue;
    bool closed = false, failed = false;
    std::string error;
  };

  void work(std::size_t w_index) {
    Worker& w = *workers_[w_index];
    try {
      for (;;) {
        std::unique_lock lock(w.mutex);
        w.ready.wait(lock, [&] { return !w.queue.empty() || w.closed; });
        if (w.queue.empty()) break;
        Worker::Item item = std::move(w.queue.front());
        w.queue.pop_front();
        lock.unlock();
        w.space.notify_one();
        dbs_[item.shard]->replace_document(item.did, item.doc);
        commits_[item.shard].written(*dbs_[item.shard]);
      }
      for (std::size_t k = w_index; k < shards_; k += workers_.size()) {
        dbs_[k]->commit();
        dbs_[k]->close();
      }
    } catch (const Xapian::Error& e) {
      fail(w, e.get_description());
    } catch (const std::exception& e) {
      fail(w, e.what());
    }
  }
  void fail(Worker& w, std::string what) {
    std::lock_guard lock(w.mutex);
    w.error = std::move(what);
    w.failed = true;
    w.queue.clear();
    w.space.notify_all();
  }

  std::size_t shards_;
  Xapian::docid added_ = 0;
  std::vector<std::size_t> counts_;
  std::vector<CommitCounter> commits_;  // by shard; each only touched by its shard's writer
  std::vector<std::unique_ptr<Xapian::WritableDatabase>> dbs_;
  std::vector<std::unique_ptr<Worker>> workers_;  // all made before any thread starts
};

// What the written documents add up to (one per thread of a parted build, then merged).
struct Tally {
  std::size_t documents = 0;
  std::map<std::string, std::size_t> by_type;
  // Each word worth suggesting and how often the records use it: of two equally close corrections,
  // Xapian suggests the more frequent ("modle" -> "model", not "mode").
  std::unordered_map<std::string, Xapian::termcount> spelling;

  void add(BuiltDocument& built) {
    for (auto& word : built.spelling_words) ++spelling[std::move(word)];
    ++documents;
    ++by_type[model::type_value(built.type)];
  }
  void merge(Tally&& other) {
    documents += other.documents;
    for (const auto& [type, count] : other.by_type) by_type[type] += count;
    for (auto& [word, uses] : other.spelling) spelling[word] += uses;
  }
};

// Calls WriteOptions::progress every `progress_every` documents, whichever thread wrote them.
class Progress {
 public:
  Progress(const WriteOptions& options, std::size_t total) : options_(options), total_(total) {}
  void written() {
    std::lock_guard lock(mutex_);  // counted and reported under one lock: reports come in order
    if (++written_ % options_.progress_every == 0 && options_.progress) options_.progress(written_, total_);
  }

 private:
  const WriteOptions& options_;
  const std::size_t total_;
  std::size_t written_ = 0;
  std::mutex mutex_;
};

// Ordinals of the records whose id an earlier indexable record already has: each is skipped with a
// warning. Decided before building, so that every thread of a parted build knows its duplicates.
std::vector<bool> repeated_ids(const model::Atlas& atlas, Diagnostics& warnings) {
  std::vector<bool> repeated(record_count(atlas), false);
  std::unordered_set<std::string_view> seen;
  for (std::size_t ordinal = 0; ordinal < repeated.size(); ++ordinal) {
    const std::string& id = record_id(atlas, ordinal);
    if (!indexable_id(id) || seen.insert(id).second) continue;
    repeated[ordinal] = true;
    warnings.push_back({"record " + id, "skipped: a record with this id was already indexed"});
  }
  return repeated;
}

// Builds the selected records on a thread of their own and writes them to `sink`, in order, on this
// one. Stops early once `abandon` is set (another thread of a parted build failed).
void write_documents(const BuildInputs& in, const RecordSelection& selection, DocumentSink& sink, Tally& tally,
                     Progress& progress, Diagnostics& warnings, const std::atomic<bool>& abandon) {
  analysis::Analyzer analyzer;
  DocumentBuilder builder(in, analyzer, warnings, selection);
  while (auto built = builder.next()) {
    if (abandon) return;
    sink.add(built->id, std::move(built->document));
    tally.add(*built);
    progress.written();
  }
}

constexpr const char* kPartsName = "parts";  // inside a parted build's directory until merged

// Writes documents into consecutive new databases `dir`/NAME-0, NAME-1, ... of at most `per_part`
// documents each.
class PartSink : public DocumentSink {
 public:
  PartSink(std::filesystem::path dir, std::string name, std::size_t per_part, Xapian::doccount per_commit)
      : dir_(std::move(dir)), name_(std::move(name)), per_part_(per_part), per_commit_(per_commit) {}

  void add(const std::string&, Xapian::Document&& doc) override {
    if (!db_ || in_part_ == per_part_) next_part();
    db_->add_document(doc);
    commits_->written(*db_);
    ++in_part_;
  }

  // Commits and closes the last part; the parts written, in order.
  const std::vector<std::filesystem::path>& finish() {
    close_part();
    return parts_;
  }

 private:
  void next_part() {
    close_part();
    parts_.push_back(dir_ / (name_ + "-" + std::to_string(parts_.size())));
    db_.emplace(parts_.back().string(), Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS);
    commits_.emplace(per_commit_);
    in_part_ = 0;
  }
  void close_part() {
    if (!db_) return;
    db_->commit();
    db_->close();
    db_.reset();
  }

  std::filesystem::path dir_;
  std::string name_;
  std::size_t per_part_;
  Xapian::doccount per_commit_;
  std::vector<std::filesystem::path> parts_;
  std::optional<Xapian::WritableDatabase> db_;
  std::optional<CommitCounter> commits_;
  std::size_t in_part_ = 0;
};

// Compacts `sources` into a new database `out`, in order: each one's documents numbered after the
// last of those before it.
void compact_in_order(const std::vector<std::filesystem::path>& sources, const std::filesystem::path& out) {
  Xapian::Database all;
  for (const auto& source : sources) all.add_database(Xapian::Database(source.string()));
  all.compact(out.string());
}

// Merges `sources`, in order, into `out`. Compaction opens every source at once (about four files
// each), so more than `fan_in` are first merged in runs of `fan_in` under `scratch`, stage by stage,
// each source removed once merged (which also frees its disk before the last stage).
void merge_in_order(std::vector<std::filesystem::path> sources, const std::filesystem::path& out,
                    const std::filesystem::path& scratch, std::size_t fan_in) {
  for (std::size_t stage = 0; sources.size() > fan_in; ++stage) {
    std::vector<std::filesystem::path> merged;
    for (std::size_t begin = 0; begin < sources.size(); begin += fan_in) {
      const std::size_t end = std::min(sources.size(), begin + fan_in);
      if (end - begin == 1) {
        merged.push_back(sources[begin]);
        continue;
      }
      const std::vector<std::filesystem::path> run(sources.begin() + begin, sources.begin() + end);
      merged.push_back(scratch / ("merged-" + std::to_string(stage) + "-" + std::to_string(merged.size())));
      compact_in_order(run, merged.back());
      for (const auto& source : run) std::filesystem::remove_all(source);
    }
    sources = std::move(merged);
  }
  compact_in_order(sources, out);
}

// A parted build: `threads` threads, each with a builder thread of its own, build a contiguous share
// of the records each into parts under `dir`. Returns the parts in record order, so that merging them
// in that order numbers every document as one database written in one go would.
std::vector<std::filesystem::path> write_parts(const BuildInputs& in, const std::vector<bool>& repeated,
                                               const std::filesystem::path& dir, std::size_t threads,
                                               const WriteOptions& options, Xapian::doccount per_commit,
                                               Tally& tally, Progress& progress, Diagnostics& warnings) {
  struct Share {
    Tally tally;
    Diagnostics warnings;
    std::vector<std::filesystem::path> parts;
    std::exception_ptr error;
    std::thread thread;
  };
  std::vector<Share> shares(threads);
  std::atomic<bool> abandon{false};
  const auto join_all = [&] {
    for (auto& share : shares)
      if (share.thread.joinable()) share.thread.join();
  };
  const std::size_t records = repeated.size();
  for (std::size_t k = 0; k < threads; ++k) {
    const RecordSelection selection{records * k / threads, records * (k + 1) / threads, &repeated};
    // Parts of even size, none of a few stragglers.
    const std::size_t share_records = selection.end - selection.begin;
    const std::size_t share_parts = std::max<std::size_t>(1, ceil_div(share_records, options.documents_per_part));
    const std::size_t per_part = ceil_div(share_records, share_parts);
    auto work = [&, k, selection, per_part] {
      Share& share = shares[k];
      try {
        PartSink sink(dir, std::to_string(k), per_part, per_commit);
        write_documents(in, selection, sink, share.tally, progress, share.warnings, abandon);
        share.parts = sink.finish();
      } catch (...) {
        share.error = std::current_exception();
        abandon = true;
      }
    };
    try {
      shares[k].thread = std::thread(work);
    } catch (...) {  // no thread to be had: stop the others before reporting it
      abandon = true;
      join_all();
      throw;
    }
  }
  join_all();
  std::vector<std::filesystem::path> parts;
  for (auto& share : shares) {
    if (share.error) std::rethrow_exception(share.error);
    tally.merge(std::move(share.tally));
    warnings.insert(warnings.end(), share.warnings.begin(), share.warnings.end());
    parts.insert(parts.end(), share.parts.begin(), share.parts.end());
  }
  return parts;
}

Status check_write(const std::filesystem::path& db_dir, const WriteOptions& options) {
  std::error_code ec;
  if (std::filesystem::exists(db_dir, ec)) return Status::InvalidArgument(db_dir.string() + ": already exists");
  if (options.shards < 1 || options.shards > kMaxShards)
    return Status::InvalidArgument("shards: from 1 to " + std::to_string(kMaxShards));
  if (options.documents_per_commit < 1) return Status::InvalidArgument("documents_per_commit: at least 1");
  if (options.documents_per_part < 1) return Status::InvalidArgument("documents_per_part: at least 1");
  if (options.parts_per_merge < 2) return Status::InvalidArgument("parts_per_merge: at least 2");
  return Status::OK();
}

// What a generation says of its build (shown by /healthz), and what its stored records leave out:
// facet labels and the linked records' fields (stored_record.h).
void set_build_metadata(Xapian::WritableDatabase& db, const model::Atlas& atlas, const WriteOptions& options,
                        const WriteSummary& summary, const FacetLabels& labels, const nlohmann::json& linked) {
  nlohmann::json build = options.build_info;
  build["built_at"] = utc_now();
  build["versions"] = atlas.versions;
  build["documents"] = summary.documents;
  build["by_type"] = summary.by_type;
  build["links"] = summary.links;
  if (options.shards > 1) build["shards"] = summary.shard_documents;
  db.set_metadata(schema::kMetaBuild, stored_json(build));
  db.set_metadata(schema::kMetaLabels, stored_json(nlohmann::json(labels)));
  db.set_metadata(schema::kMetaLinked, stored_json(linked));
  set_common_metadata(db);
}

}  // namespace

Result<WriteSummary> write_database(const model::Atlas& atlas, const std::filesystem::path& db_dir,
                                    const WriteOptions& options, Diagnostics& warnings) {
  if (Status s = check_write(db_dir, options); !s.ok()) return s;
  const auto per_commit = static_cast<Xapian::doccount>(
      std::min<std::size_t>(options.documents_per_commit, std::numeric_limits<Xapian::doccount>::max()));
  const bool sharded = options.shards > 1;
  const std::size_t records = record_count(atlas);
  const bool parted = !sharded && records > options.documents_per_part;
  const std::size_t threads = options.threads > 0 ? options.threads : cores();

  WriteSummary summary;
  try {
    // The database holding vocabulary and metadata: the only one, a sharded set's vocabulary, or the
    // last of the parts merged into a parted build.
    if (sharded || parted) std::filesystem::create_directory(db_dir);
    if (parted) std::filesystem::create_directory(db_dir / kPartsName);
    const std::filesystem::path main_dir = sharded  ? db_dir / kVocabularyName
                                           : parted ? db_dir / kPartsName / kVocabularyName
                                                    : db_dir;
    Xapian::WritableDatabase db(main_dir.string(), Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS);
    const model::LinkGraph graph(atlas);
    const FacetLabels labels = collect_labels(atlas);
    const nlohmann::json linked = linked_fields(atlas, graph, labels);
    const BuildInputs inputs{atlas, graph, labels, linked};
    const std::vector<bool> repeated = repeated_ids(atlas, warnings);
    const RecordSelection all{0, records, &repeated};
    const std::atomic<bool> never{false};
    Progress progress(options, records);
    Tally tally;
    std::vector<std::filesystem::path> parts;
    if (parted) {
      parts = write_parts(inputs, repeated, db_dir / kPartsName,
                          std::min(threads, ceil_div(records, options.documents_per_part)), options, per_commit,
                          tally, progress, warnings);
    } else if (sharded) {
      ShardedSink sink(db_dir, options.shards, threads, db_dir.filename().string(), per_commit);
      write_documents(inputs, all, sink, tally, progress, warnings, never);
      if (Status s = sink.finish(); !s.ok()) throw std::runtime_error(s.message());
      summary.shard_documents = sink.counts();
    } else {
      SingleSink sink(db, per_commit);
      write_documents(inputs, all, sink, tally, progress, warnings, never);
    }
    summary.documents = tally.documents;
    summary.by_type = std::move(tally.by_type);
    for (const auto& [word, uses] : tally.spelling) db.add_spelling(word, uses);
    analysis::Analyzer analyzer;
    add_vocabulary(db, atlas.synonyms, analyzer, warnings);
    for (std::size_t r = 0; r < atlas.risks.size(); ++r) summary.links += graph.techniques_of_risk(r).size();

    set_build_metadata(db, atlas, options, summary, labels, linked);
    if (sharded)
      db.set_metadata(schema::kMetaShard, shard_meta_text({db_dir.filename().string(), options.shards, std::nullopt, true}));
    db.commit();
    db.close();
    if (parted) {
      // Xapian's compaction merges the parts, renumbering each one's documents after the last of the
      // parts before it; the vocabulary's database, the only one with spelling, synonyms and
      // metadata, comes last and holds no documents.
      parts.push_back(main_dir);
      merge_in_order(std::move(parts), db_dir, db_dir / kPartsName, options.parts_per_merge);
      std::filesystem::remove_all(db_dir / kPartsName);
    }
    if (sharded) {
      // Written last: until it exists the directory is not a database anyone can open.
      // Durable before publish() points live.stub at the generation (it fsyncs only the directory).
      if (Status s = write_file_synced(db_dir / kShardStubName, shard_stub_text(options.shards)); !s.ok())
        throw std::runtime_error(s.message());
    }
    summary.uuid = Xapian::Database(db_dir.string()).get_uuid();
  } catch (const Xapian::Error& e) {
    remove_partial(db_dir);
    return Status::IOError(db_dir.string() + ": " + e.get_description());
  } catch (const std::exception& e) {
    remove_partial(db_dir);
    return Status::IOError(db_dir.string() + ": " + e.what());
  }
  return summary;
}

}  // namespace riskatlas::index
