using System.Globalization;

namespace CustomerPortal.Bench.Page;

/// <summary>
/// The tables the bench prints: each run, then the medians over the runs. A ratio is 50k / 5k of one run (both
/// customers measured back to back); the summary gives the median of the runs' ratios. Growth target (issue 15): the
/// 50k customer's p99 at most 1.3 × the 5k customer's, and its req/s at least 1 / 1.3 of it.
/// </summary>
internal static class Summary
{
    public const double MaxGrowth = 1.3;
    public const double MaxPeakMegabytes = 300;

    public static void PrintRun(BenchOptions o, RunResult run, int number)
    {
        Console.WriteLine($"\nrun {number}:");
        Print(o, [run], medians: false);
    }

    public static void PrintMedians(BenchOptions o, IReadOnlyList<RunResult> runs)
    {
        Console.WriteLine($"\nmedians over {runs.Count} run{(runs.Count == 1 ? "" : "s")}:");
        Print(o, runs, medians: true);
    }

    private static void Print(BenchOptions o, IReadOnlyList<RunResult> runs, bool medians)
    {
        var labels = o.Customers;
        var both = labels.Count == 2;
        var header = "| scenario | target p99 |";
        var rule = "|---|---:|";
        foreach (var l in labels)
        {
            header += $" {l} p50 ms | {l} p99 ms | {l} req/s |";
            rule += "---:|---:|---:|";
        }
        header += " errors | target met |";
        rule += "---:|---|";
        if (both)
        {
            header += " p99 50k/5k | req/s 50k/5k | ≤ 1.3× |";
            rule += "---:|---:|---|";
            if (medians && runs.Count > 1)
            {
                header += " p99 ratio per run |";
                rule += "---|";
            }
        }
        Console.WriteLine(header);
        Console.WriteLine(rule);
        var missed = new List<string>();
        var growth = new List<string>();
        foreach (var s in o.Scenarios)
        {
            var line = I($"| {s.Name} | ≤ {s.TargetP99Ms:0} ms |");
            var met = new List<string>();
            var errors = 0L;
            foreach (var l in labels)
            {
                var ms = runs.Select(r => r.Measures.Single(m => m.Scenario == s.Key && m.Customer == l)).ToList();
                var p99 = Median(ms.Select(m => m.P99));
                line += I($" {Median(ms.Select(m => m.P50)):0.0} | {p99:0.0} | {Median(ms.Select(m => m.Rps)):#,0} |");
                met.Add(p99 <= s.TargetP99Ms ? "yes" : "NO");
                if (p99 > s.TargetP99Ms) missed.Add(I($"{s.Key} {l} p99 {p99:0.0} ms"));
                errors += ms.Sum(m => m.Errors);
            }
            line += I($" {errors} | {string.Join(" / ", met)} ({string.Join(" / ", labels)}) |");
            if (both)
            {
                var p99Ratios = runs.Select(r => Ratio(r, s.Key, m => m.P99)).ToList();
                var rpsRatio = Median(runs.Select(r => Ratio(r, s.Key, m => m.Rps)));
                var p99Ratio = Median(p99Ratios);
                var fails = new List<string>();
                if (p99Ratio > MaxGrowth) fails.Add("p99");
                if (rpsRatio < 1 / MaxGrowth) fails.Add("req/s");
                var verdict = fails.Count == 0 ? "met" : "MISSED (" + string.Join(", ", fails) + ")";
                if (fails.Count > 0) growth.Add(I($"{s.Key} (p99 {p99Ratio:0.00}×, req/s {rpsRatio:0.00}×)"));
                line += I($" {p99Ratio:0.00}× | {rpsRatio:0.00}× | {verdict} |");
                if (medians && runs.Count > 1)
                    line += " " + string.Join(" ", p99Ratios.Select(r => I($"{r:0.00}"))) + " |";
            }
            Console.WriteLine(line);
        }
        var peak = Median(runs.Select(r => r.PeakMegabytes));
        Console.WriteLine(I($"\nserver peak working set (VmHWM): {peak:0} MB (target ≤ {MaxPeakMegabytes:0} MB: ") +
            (peak <= MaxPeakMegabytes ? "met)" : "MISSED)") +
            (runs.Count > 1 ? " runs: " + string.Join(", ", runs.Select(r => I($"{r.PeakMegabytes:0}"))) : ""));
        if (peak > MaxPeakMegabytes) missed.Add(I($"peak working set {peak:0} MB"));
        Console.WriteLine(missed.Count == 0 ? "p99 and memory targets: all met"
            : "p99 and memory targets missed: " + string.Join(", ", missed));
        if (both)
        {
            Console.WriteLine(growth.Count == 0 ? "50k within 1.3× of 5k: all met"
                : "50k not within 1.3× of 5k: " + string.Join(", ", growth));
        }
    }

    private static double Ratio(RunResult run, string scenario, Func<Measure, double> figure)
    {
        var small = run.Measures.Single(m => m.Scenario == scenario && m.Customer == "5k");
        var large = run.Measures.Single(m => m.Scenario == scenario && m.Customer == "50k");
        return figure(large) / figure(small);
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
