// Runs a libFuzzer target over files and folders of inputs, for builds without libFuzzer: the
// checked-in corpus becomes a regression test under the sanitizers. With `--mutations N`, each
// input is also run in N mutated forms (a short, seeded and therefore repeatable fuzz run: bytes
// flipped, removed, duplicated and spliced, brackets piled up, the input cut short). Prints how
// many inputs ran.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

using Input = std::vector<std::uint8_t>;

Input mutated(const Input& in, const Input& other, std::mt19937_64& rng) {
  Input out = in;
  auto pick = [&rng](std::size_t n) { return n == 0 ? 0 : rng() % n; };
  int edits = 1 + static_cast<int>(pick(4));
  for (int e = 0; e < edits; ++e) {
    std::size_t at = pick(out.size() + 1);
    switch (pick(7)) {
      case 0:  // flip a bit
        if (!out.empty()) out[pick(out.size())] ^= static_cast<std::uint8_t>(1u << pick(8));
        break;
      case 1:  // remove a run
        if (!out.empty())
          out.erase(out.begin() + at % out.size(),
                    out.begin() + std::min(out.size(), at % out.size() + pick(16)));
        break;
      case 2: {  // duplicate a run in place
        if (out.empty()) break;
        std::size_t from = pick(out.size()), n = std::min(out.size() - from, pick(32) + 1);
        Input run(out.begin() + from, out.begin() + from + n);
        out.insert(out.begin() + at, run.begin(), run.end());
        break;
      }
      case 3: {  // splice in a run of another input
        if (other.empty()) break;
        std::size_t from = pick(other.size()), n = std::min(other.size() - from, pick(64) + 1);
        out.insert(out.begin() + at, other.begin() + from, other.begin() + from + n);
        break;
      }
      case 4:  // pile up nesting
        out.insert(out.begin() + at, pick(2) ? 100 + pick(1000) : pick(40), pick(2) ? '[' : '{');
        break;
      case 5:  // a byte that means something to a parser
        out.insert(out.begin() + at, static_cast<std::uint8_t>("\"\\{}[],:\0\xff\xc0 "[pick(12)]));
        break;
      default:  // cut short
        out.resize(at);
        break;
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<Input> inputs;
  std::size_t mutations = 0;
  auto load = [&inputs](const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    inputs.emplace_back((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--mutations" && i + 1 < argc) {
      mutations = std::stoul(argv[++i]);
      continue;
    }
    std::filesystem::path path = arg;
    if (std::filesystem::is_directory(path)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
        if (entry.is_regular_file()) load(entry.path());
      }
    } else if (std::filesystem::exists(path)) {
      load(path);
    }
  }
  std::mt19937_64 rng(20261203);
  std::size_t count = 0;
  for (const Input& input : inputs) {
    LLVMFuzzerTestOneInput(input.data(), input.size());
    ++count;
    for (std::size_t m = 0; m < mutations; ++m) {
      Input variant = mutated(input, inputs[rng() % inputs.size()], rng);
      LLVMFuzzerTestOneInput(variant.data(), variant.size());
      ++count;
    }
  }
  std::cout << "replayed " << count << " inputs (" << inputs.size() << " from the corpus)\n";
  return inputs.empty() ? 1 : 0;
}
