// Runs a libFuzzer target over files and folders of inputs, for builds without libFuzzer: the
// checked-in corpus becomes a regression test under the sanitizers. With `--mutations N`, each
// input is also run in N mutated forms (a short, seeded and therefore repeatable fuzz run: bytes
// flipped, removed, duplicated and spliced, brackets piled up, the input cut short). Prints how
// many inputs ran.
// For a target libFuzzer cannot build (pdf: see scripts/fuzz), the same mutations make a blind
// fuzz run, without coverage feedback: `--seconds T` goes on mutating the corpus for T seconds,
// `--seed S` starts the mutations elsewhere, and `--artifact PREFIX` writes the input a
// sanitizer stopped on to PREFIX followed by its hash, as libFuzzer does.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#if defined(__SANITIZE_ADDRESS__) && __has_include(<sanitizer/common_interface_defs.h>)
#include <sanitizer/common_interface_defs.h>
#define ESEAL_REPLAY_DEATH_CALLBACK 1
#endif

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

// The input being run and where to keep it should a sanitizer stop the program.
const Input* running = nullptr;
std::string artifact_prefix;

#ifdef ESEAL_REPLAY_DEATH_CALLBACK
void keep_running_input() {
  if (!running || artifact_prefix.empty()) return;
  std::uint64_t hash = 14695981039346656037ULL;  // FNV-1a
  for (std::uint8_t b : *running) hash = (hash ^ b) * 1099511628211ULL;
  char name[17];
  std::snprintf(name, sizeof name, "%016llx", static_cast<unsigned long long>(hash));
  std::string path = artifact_prefix + name;
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(running->data()),
             static_cast<std::streamsize>(running->size()));
  std::fprintf(stderr, "the input is kept in %s\n", path.c_str());
}
#endif

void run(const Input& input) {
  running = &input;
  LLVMFuzzerTestOneInput(input.data(), input.size());
  running = nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<Input> inputs;
  std::size_t mutations = 0;
  double seconds = 0;
  std::uint64_t seed = 20261203;
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
    if (arg == "--seconds" && i + 1 < argc) {
      seconds = std::stod(argv[++i]);
      continue;
    }
    if (arg == "--seed" && i + 1 < argc) {
      seed = std::stoull(argv[++i]);
      continue;
    }
    if (arg == "--artifact" && i + 1 < argc) {
      artifact_prefix = argv[++i];
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
#ifdef ESEAL_REPLAY_DEATH_CALLBACK
  __sanitizer_set_death_callback(keep_running_input);
#endif
  if (inputs.empty()) {
    std::cout << "replayed 0 inputs (0 from the corpus)\n";
    return 1;
  }
  std::mt19937_64 rng(seed);
  std::size_t count = 0;
  auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  auto time_is_up = [&] { return seconds > 0 && std::chrono::steady_clock::now() >= until; };
  // Over the inputs with their mutations; with `seconds`, round after round (fresh mutations)
  // until they have passed.
  do {
    for (std::size_t i = 0; i < inputs.size() && !time_is_up(); ++i) {
      run(inputs[i]);
      ++count;
      for (std::size_t m = 0; m < mutations && !time_is_up(); ++m) {
        Input variant = mutated(inputs[i], inputs[rng() % inputs.size()], rng);
        run(variant);
        ++count;
      }
    }
  } while (seconds > 0 && mutations > 0 && !time_is_up());
  std::cout << "replayed " << count << " inputs (" << inputs.size() << " from the corpus)\n";
  return 0;
}
