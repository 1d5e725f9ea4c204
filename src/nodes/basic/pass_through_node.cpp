// PassThrough: emits every item unchanged.
#include "core/registry.hpp"

namespace rm {
namespace {

class PassThrough final : public Node {
 public:
  Result<> process(Value item, Emitter& out) override {
    out.emit(std::move(item));
    return {};
  }
};

RM_REGISTER_NODE(PassThrough, NodeInfo{"PassThrough", "Emits every item unchanged.", "basic", {}, [] {
                                         return std::make_unique<PassThrough>();
                                       }});

}  // namespace
}  // namespace rm
