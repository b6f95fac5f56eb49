// A Google Benchmark reporter that prints the usual table, then the ratio of each benchmark
// named BM_<what>_Eseal to its reference BM_<what>_<Reference> measured in the same run.
#pragma once

#include <benchmark/benchmark.h>

#include <iostream>
#include <map>
#include <string>

namespace eseal::bench {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  explicit RatioReporter(std::string reference) : reference_(std::move(reference)) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& run : runs) times_[run.benchmark_name()] = run.GetAdjustedRealTime();
  }

  void PrintRatios() const {
    for (const auto& [name, time] : times_) {
      auto cut = name.find("_Eseal");
      // With --benchmark_repetitions, only the mean and the median compare.
      if (cut == std::string::npos || name.ends_with("_stddev") || name.ends_with("_cv")) continue;
      std::string key = name.substr(0, cut) + "_" + reference_ + name.substr(cut + 6);
      auto reference = times_.find(key);
      if (reference == times_.end() || reference->second == 0) continue;
      const double ratio = time / reference->second;
      std::cout << "ratio " << name.substr(3) << " / " << reference_ << " = " << ratio;
      if (ratio < 1) std::cout << " (" << 1 / ratio << " times as fast)";
      std::cout << "\n";
    }
  }

 private:
  std::string reference_;
  std::map<std::string, double> times_;
};

// A benchmark program's main: runs the benchmarks the command line selects, then prints each
// eseal benchmark's ratio to its `reference`.
inline int run_with_ratios(int argc, char** argv, const std::string& reference) {
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter(reference);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatios();
  benchmark::Shutdown();
  return 0;
}

}  // namespace eseal::bench
