#include "index/index_writer.h"

#include <chrono>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>

#include <xapian.h>

#include "analysis/analyzer.h"
#include "index/record_document.h"
#include "index/schema.h"
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

// Runs build_documents() on a thread of its own; the documents come out of pop() in order.
class DocumentBuilder {
 public:
  DocumentBuilder(const model::Atlas& atlas, const model::LinkGraph& graph, const FacetLabels& labels,
                  analysis::Analyzer& analyzer, Diagnostics& warnings)
      : thread_([&, this] {
          struct Stopped {};
          std::exception_ptr error;
          try {
            build_documents(atlas, graph, labels, analyzer, warnings, [this](BuiltDocument&& built) {
              if (!handover_.push(std::move(built))) throw Stopped{};
            });
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

void remove_partial(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace

Result<WriteSummary> write_database(const model::Atlas& atlas, const std::filesystem::path& db_dir,
                                    const WriteOptions& options, Diagnostics& warnings) {
  std::error_code ec;
  if (std::filesystem::exists(db_dir, ec)) return Status::InvalidArgument(db_dir.string() + ": already exists");

  WriteSummary summary;
  try {
    Xapian::WritableDatabase db(db_dir.string(), Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS);
    analysis::Analyzer analyzer;
    const model::LinkGraph graph(atlas);
    const FacetLabels labels = collect_labels(atlas);
    const std::size_t total =
        atlas.risks.size() + atlas.techniques.size() + atlas.mitigations.size() + atlas.case_studies.size();
    std::unordered_set<std::string> ids;
    std::unordered_set<std::string> spelling;

    Diagnostics duplicates;  // the builder appends to `warnings` until joined
    {
      DocumentBuilder builder(atlas, graph, labels, analyzer, warnings);
      while (auto built = builder.next()) {
        if (!ids.insert(built->id).second) {
          duplicates.push_back({"record " + built->id, "skipped: a record with this id was already indexed"});
          continue;
        }
        db.add_document(built->document);
        for (auto& word : built->spelling_words) spelling.insert(std::move(word));
        ++summary.documents;
        ++summary.by_type[model::type_value(built->type)];
        if (options.progress && summary.documents % options.progress_every == 0)
          options.progress(summary.documents, total);
      }
    }
    warnings.insert(warnings.end(), duplicates.begin(), duplicates.end());
    for (const auto& word : spelling) db.add_spelling(word);
    add_vocabulary(db, atlas.synonyms, analyzer, warnings);
    for (std::size_t r = 0; r < atlas.risks.size(); ++r) summary.links += graph.techniques_of_risk(r).size();

    nlohmann::json build = options.build_info;
    build["built_at"] = utc_now();
    build["versions"] = atlas.versions;
    build["documents"] = summary.documents;
    build["by_type"] = summary.by_type;
    build["links"] = summary.links;
    nlohmann::json labels_json = labels;
    db.set_metadata(schema::kMetaBuild, build.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    db.set_metadata(schema::kMetaLabels, labels_json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    db.set_metadata(schema::kMetaAnalyzer, analysis::analyzer_version());
    db.set_metadata(schema::kMetaSchema, schema::kSchemaVersion);
    db.commit();
    summary.uuid = db.get_uuid();
    db.close();
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
