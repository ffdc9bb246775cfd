#pragma once
// The overload set for std::visit: std::visit(Overloaded{[](const A&) {...}, ...}, v).
namespace payledger {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

}  // namespace payledger
