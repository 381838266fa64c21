#include <catch2/catch.hpp>

#include <xapian.h>

#include "model/taxonomy.h"
#include "search/facet_counter.h"
#include "test_support.h"

using namespace riskatlas;
using search::ValueCounts;

namespace {

std::string joined(std::initializer_list<const char*> values) {
  std::string out;
  for (const char* v : values) {
    if (!out.empty()) out += schema::kMultiValueSeparator;
    out += v;
  }
  return out;
}

}  // namespace

TEST_CASE("the facet table counts exactly what the value-slot spies count", "[search]") {
  testing::ScratchDir dir("facet-table");
  const auto& type = *model::find_facet("type");
  const auto& lifecycle = *model::find_facet("lifecycle");
  {
    Xapian::WritableDatabase db((dir.path() / "db").string(), Xapian::DB_CREATE);
    auto add = [&](const char* type_value, const std::string& lifecycle_value) {
      Xapian::Document doc;
      doc.add_boolean_term("all");
      doc.add_boolean_term(std::string("T") + type_value);
      if (*type_value) doc.add_value(type.slot, type_value);
      if (!lifecycle_value.empty()) doc.add_value(lifecycle.slot, lifecycle_value);
      return db.add_document(doc);
    };
    add("risk", joined({"deployment", "monitoring-and-maintenance"}));
    add("risk", joined({"deployment", "deployment"}));  // a value listed twice counts once
    add("technique", "");                                // no lifecycle at all
    const Xapian::docid deleted = add("mitigation", "data-preparation");
    add("mitigation", joined({"", "data-preparation", ""}));  // stray separators
    db.delete_document(deleted);                               // leaves a gap in the document ids
    add("", "deployment");                                     // no type
    db.commit();
  }
  Xapian::Database db((dir.path() / "db").string());
  const auto table = search::FacetTable::load(db);
  const Xapian::Query all("all");

  const ValueCounts expected_types{{"risk", 2}, {"technique", 1}, {"mitigation", 1}};
  CHECK(search::count_values(db, all, type) == expected_types);
  CHECK(search::count_values(db, all, type, &table) == expected_types);

  const ValueCounts expected_lifecycle{{"deployment", 3}, {"monitoring-and-maintenance", 1}, {"data-preparation", 1}};
  CHECK(search::count_values(db, all, lifecycle) == expected_lifecycle);
  CHECK(search::count_values(db, all, lifecycle, &table) == expected_lifecycle);

  // Only the matched documents count.
  const ValueCounts risk_lifecycle{{"deployment", 2}, {"monitoring-and-maintenance", 1}};
  CHECK(search::count_values(db, Xapian::Query("Trisk"), lifecycle) == risk_lifecycle);
  CHECK(search::count_values(db, Xapian::Query("Trisk"), lifecycle, &table) == risk_lifecycle);
  CHECK(search::count_values(db, Xapian::Query("Tnone"), lifecycle, &table).empty());
}

TEST_CASE("the facet table covers an empty database and one whose last document was deleted", "[search]") {
  testing::ScratchDir dir("facet-table-edges");
  const auto& type = *model::find_facet("type");
  const Xapian::Query all("all");
  {
    Xapian::WritableDatabase empty((dir.path() / "empty").string(), Xapian::DB_CREATE);
    empty.commit();
  }
  Xapian::Database empty((dir.path() / "empty").string());
  const auto empty_table = search::FacetTable::load(empty);
  CHECK(empty_table.column(type).values.empty());
  CHECK(search::count_values(empty, all, type, &empty_table).empty());

  {
    Xapian::WritableDatabase db((dir.path() / "db").string(), Xapian::DB_CREATE);
    for (const char* value : {"risk", "technique"}) {
      Xapian::Document doc;
      doc.add_boolean_term("all");
      doc.add_value(type.slot, value);
      db.add_document(doc);
    }
    db.delete_document(2);  // the last id stays 2 but its document is gone
    db.commit();
  }
  Xapian::Database db((dir.path() / "db").string());
  const auto table = search::FacetTable::load(db);
  const ValueCounts expected{{"risk", 1}};
  CHECK(search::count_values(db, all, type) == expected);
  CHECK(search::count_values(db, all, type, &table) == expected);
}
