#include "model/record.h"

namespace riskatlas::model {

const char* type_value(RecordType type) {
  switch (type) {
    case RecordType::kRisk: return "risk";
    case RecordType::kTechnique: return "technique";
    case RecordType::kMitigation: return "mitigation";
    case RecordType::kCaseStudy: return "case-study";
  }
  return "risk";
}

}  // namespace riskatlas::model
