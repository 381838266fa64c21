// The on-disk index layout, in one place: every term prefix, field weight, value slot, limit and
// metadata key that the writer (src/index) and the readers (src/search, model::facets()) share.
// Changing any of these needs a reindex; bump kSchemaVersion when an old index would be misread.
// This header includes nothing of ours, so model/taxonomy.h can take the facet layout from it.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace riskatlas::schema {

// ---- Term prefixes ----

// Unique id term: "Q" + record id, exactly as the record shows it.
inline constexpr std::string_view kIdPrefix = "Q";
// Stemmed forms carry this prefix before the field prefix ("Z" + stem, "ZS" + stem), as Xapian's
// TermGenerator does; unstemmed forms carry positions for phrase search.
inline constexpr std::string_view kStemPrefix = "Z";
// Field-scoped copies of terms, for title:, source: and id: in queries.
inline constexpr std::string_view kTitlePrefix = "S";
inline constexpr std::string_view kSourcePrefix = "XSRC";
inline constexpr std::string_view kIdFieldPrefix = "XID";
// The fields a query word may be scoped to ("title:word"), by name; an unscoped word's terms carry
// no field prefix (the field "text").
struct ScopedField {
  std::string_view name;
  std::string_view prefix;
};
inline constexpr std::array<ScopedField, 3> kScopedFields{
    {{"title", kTitlePrefix}, {"source", kSourcePrefix}, {"id", kIdFieldPrefix}}};
// The whole title as one term (index::title_key), so a query that is exactly a title ranks it first.
inline constexpr std::string_view kExactTitlePrefix = "XT";
// The source paper of a risk (its QuickRef, else its paper id): related records leave out the
// record's own paper.
inline constexpr std::string_view kSourcePaperPrefix = "XP";
// Every facet filter term starts with this: "K" + facet name + ":" + value, a boolean term.
inline constexpr std::string_view kFacetPrefix = "K";

// ---- Field weights and positions ----

// Within-document frequency added per occurrence, so BM25 weighs the title above the description
// above the quoted text. 9/2/1 rather than 6/3/1: MRR@10 0.535 -> 0.543 on the published data,
// 0.790 -> 0.793 on corpus/ (README, "Relevance"); 12/2/1 scored the same, 9/3/1 and 12/3/1 between.
inline constexpr unsigned kTitleWdf = 9;
inline constexpr unsigned kDescriptionWdf = 2;
inline constexpr unsigned kQuoteWdf = 1;
inline constexpr unsigned kIdWdf = 6;
// A case study tells of techniques in use in the words that define them, so its text weighs less
// than theirs: a search for a technique finds the technique first, its case studies after it.
inline constexpr unsigned kCaseStudyNameWdf = 3;
inline constexpr unsigned kCaseStudyTextWdf = 1;  // summary and procedure steps
// Positions of consecutive fields are this far apart, so phrases never span two fields.
inline constexpr unsigned kFieldPositionGap = 100;

// ---- Facets: filter term prefix and value slot of each facet of model::facets() ----

struct FacetLayout {
  std::string_view term_prefix;  // boolean filter term = term_prefix + value ("Kdomain:2")
  unsigned slot;                 // value slot holding the record's value(s) of this facet
};
// Record type: risk, technique, mitigation or case-study.
inline constexpr FacetLayout kTypeFacet{"Ktype:", 0};
// Risk domain ("2") and subdomain ("2.2") of the AI Risk Repository taxonomy.
inline constexpr FacetLayout kDomainFacet{"Kdomain:", 1};
inline constexpr FacetLayout kSubdomainFacet{"Ksubdomain:", 2};
// Causal taxonomy of a risk: entity, intent, timing.
inline constexpr FacetLayout kEntityFacet{"Kentity:", 3};
inline constexpr FacetLayout kIntentFacet{"Kintent:", 4};
inline constexpr FacetLayout kTimingFacet{"Ktiming:", 5};
// Mitigation ML-lifecycle stages and categories (multi-valued; risks and techniques inherit them).
inline constexpr FacetLayout kLifecycleFacet{"Klifecycle:", 6};
inline constexpr FacetLayout kCategoryFacet{"Kcategory:", 7};
// ATLAS tactics of a technique, or of the steps of a case study's procedure (multi-valued).
inline constexpr FacetLayout kTacticFacet{"Ktactic:", 8};
// A case study's kind (incident, exercise) and the year of its incident date.
inline constexpr FacetLayout kKindFacet{"Kkind:", 9};
inline constexpr FacetLayout kYearFacet{"Kyear:", 10};
// The source paper of a risk: its QuickRef, else its paper id (labelled with the paper's title).
inline constexpr FacetLayout kSourceFacet{"Ksource:", 11};

// A multi-valued facet stores its values in its one slot joined by this byte (never in a value).
inline constexpr char kMultiValueSeparator = '\x1f';

// ---- Other value slots ----

// Natural sort key of the record id (index::natural_sort_key), for sort=id, browsing, and the ties of
// suggestions and related records (searches break ties by docid: search/searcher.cc).
inline constexpr unsigned kSlotSortId = 20;
// Folded title, at most kSortTitleBytes, for sort=title.
inline constexpr unsigned kSlotSortTitle = 21;
// What a hit shows, packed (index/hit_summary.h): reading it instead of the whole stored record spares
// each hit a parse of nested text trees it does not show.
inline constexpr unsigned kSlotHit = 22;

// ---- Limits ----

// Xapian's limit on prefix + term bytes (glass); one byte less per NUL, which our terms never hold.
// (The analyzer's own, shorter limit on a token is analysis::kMaxTokenBytes.)
inline constexpr std::size_t kMaxXapianTermBytes = 245;
// The sort-title value is cut to this many bytes (on a UTF-8 boundary).
inline constexpr std::size_t kSortTitleBytes = 200;
// Digit runs of an id are zero-padded to this width in its natural sort key, so "AML.T2" sorts
// before "AML.T10".
inline constexpr std::size_t kSortKeyDigits = 10;

// ---- Metadata keys ----

inline constexpr const char* kMetaAnalyzer = "riskatlas.analyzer";  // analysis::analyzer_version()
inline constexpr const char* kMetaBuild = "riskatlas.build";        // JSON: built_at, versions, stats
inline constexpr const char* kMetaLabels = "riskatlas.labels";      // JSON: facet -> {value: label}
inline constexpr const char* kMetaLinked = "riskatlas.linked";      // JSON: kind -> ATLAS id -> shared fields (stored_record.h)
inline constexpr const char* kMetaSchema = "riskatlas.schema";      // kSchemaVersion
// JSON in each database of a sharded generation (index/shards.h): {"generation": its directory name,
// "shards": N, "shard": K, "docids": kGlobalDocids} ("shard" absent in the vocabulary).
inline constexpr const char* kMetaShard = "riskatlas.shard";
// "4": stored records hold links by id, their shared fields in kMetaLinked (index/stored_record.h).
// "3": hit summaries pack their facets (index/hit_summary.h). Indexes of "2" and "3" are still read
// (records stored whole; "2"'s summaries packed again when read); a binary refuses an index of a
// schema newer than its own instead of misreading it.
inline constexpr const char* kSchemaVersion = "4";
inline constexpr const char* kOldestReadableSchema = "2";
inline constexpr int kFirstSchemaSharingLinked = 4;  // records stored without kMetaLinked's fields

}  // namespace riskatlas::schema
