// The index layout shared by the writer and the searcher: term prefixes, field weights, value slots
// (facet slots are in model/taxonomy.h) and metadata keys. Changing any of these needs a reindex.
#pragma once

#include <string_view>

namespace riskatlas::schema {

// Unique id term: "Q" + record id, exactly as the record shows it.
inline constexpr std::string_view kIdPrefix = "Q";
// Stemmed forms carry this prefix before the field prefix ("Z" + stem, "ZS" + stem), as Xapian's
// TermGenerator does; unstemmed forms carry positions for phrase search.
inline constexpr std::string_view kStemPrefix = "Z";
// Field-scoped copies of terms, for title:, source: and id: in queries.
inline constexpr std::string_view kTitlePrefix = "S";
inline constexpr std::string_view kSourcePrefix = "XSRC";
inline constexpr std::string_view kIdFieldPrefix = "XID";
// The whole title as one term (index::title_key), so a query that is exactly a title ranks it first.
inline constexpr std::string_view kExactTitlePrefix = "XT";
// The source paper of a risk (its QuickRef, else its paper id): related records leave out the
// record's own paper.
inline constexpr std::string_view kSourcePaperPrefix = "XP";

// Within-document frequency added per occurrence, so BM25 weighs the title above the description
// above the quoted text.
inline constexpr unsigned kTitleWdf = 6;
inline constexpr unsigned kDescriptionWdf = 3;
inline constexpr unsigned kQuoteWdf = 1;
inline constexpr unsigned kIdWdf = 6;
// Positions of consecutive fields are this far apart, so phrases never span two fields.
inline constexpr unsigned kFieldPositionGap = 100;

// Xapian's limit on prefix + term bytes (glass); one byte less per NUL, which our terms never hold.
inline constexpr std::size_t kMaxTermBytes = 245;

// Metadata keys.
inline constexpr const char* kMetaAnalyzer = "riskatlas.analyzer";  // analysis::analyzer_version()
inline constexpr const char* kMetaBuild = "riskatlas.build";        // JSON: built_at, versions, stats
inline constexpr const char* kMetaLabels = "riskatlas.labels";      // JSON: facet -> {value: label}
inline constexpr const char* kMetaSchema = "riskatlas.schema";      // kSchemaVersion
inline constexpr const char* kSchemaVersion = "1";

}  // namespace riskatlas::schema
