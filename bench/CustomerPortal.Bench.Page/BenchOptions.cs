using System.Globalization;

namespace CustomerPortal.Bench.Page;

/// <summary>
/// The bench's settings: positional [requestsPerScenario] [connections], the named options below, and the BENCH_*
/// environment knobs (an environment value wins over what --short sets).
/// </summary>
internal sealed record BenchOptions
{
    public int Requests { get; init; } = 4000;
    public int Workers { get; init; } = 16;
    public string? Wrk { get; init; }
    public int Seconds { get; init; } = 20;
    public int ScenarioWarmSeconds { get; init; } = 3;
    public int WarmupSeconds { get; init; } = 30;
    public int WrkThreads { get; init; } = 2;
    public int UsersPerCustomer { get; init; }
    public int Runs { get; init; } = 1;
    public bool Short { get; init; }
    public IReadOnlyList<Scenario> Scenarios { get; init; } = Scenario.All;
    public IReadOnlyList<string> Customers { get; init; } = CustomerLabels;
    public string? ServerCpus { get; init; }
    public bool Keep { get; init; }

    public static readonly IReadOnlyList<string> CustomerLabels = ["5k", "50k"];

    public const string Usage = """
        dotnet run -c Release --no-build --project bench/CustomerPortal.Bench.Page -- [requests=4000] [connections=16]
            [--runs N] [--short] [--only KEY,KEY,...] [--customers 5k,50k]
          --runs N       N full runs, each on a fresh portal and database; prints each run and the medians
          --short        a quick check: 5 s warm-up, 1 s + 3 s per scenario (BENCH_* variables still win)
          --only KEYS    only these scenarios; a key also takes the keys that start with it and a dash
                         (get = every GET, get-due = due date both ways). Keys:
                         {KEYS}
          --customers    5k, 50k or both (the default); the ratios need both
        """;

    public static BenchOptions Parse(string[] args, string? wrk)
    {
        var positional = new List<int>();
        var o = new BenchOptions { Wrk = wrk };
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--runs": o = o with { Runs = Math.Max(1, Int(Value())) }; break;
                case "--short": o = o with { Short = true }; break;
                case "--only": o = o with { Scenarios = Scenario.Select(Value().Split(',', Split)) }; break;
                case "--customers": o = o with { Customers = CustomersFrom(Value()) }; break;
                case "-h" or "--help": throw new ArgumentException("usage");
                default: positional.Add(Int(args[i])); break;
            }
        }
        if (positional.Count > 0) o = o with { Requests = positional[0] };
        if (positional.Count > 1) o = o with { Workers = positional[1] };
        // Short: a check that everything answers, in about 1 min per customer, not figures to report.
        var (seconds, warm, warmup) = o.Short ? (3, 1, 5) : (20, 3, 30);
        return o with
        {
            Seconds = Env("BENCH_SECONDS") ?? seconds,
            ScenarioWarmSeconds = Env("BENCH_SCENARIO_WARM_SECONDS") ?? warm,
            WarmupSeconds = Env("BENCH_WARMUP_SECONDS") ?? warmup,
            WrkThreads = Env("BENCH_WRK_THREADS") ?? 2,
            // wrk: 4 signed-in users per connection, taken in turn; HttpClient workers: one user each.
            UsersPerCustomer = wrk is not null ? Env("BENCH_USERS") ?? o.Workers * 4 : o.Workers,
            ServerCpus = Environment.GetEnvironmentVariable("BENCH_SERVER_CPUS") is { Length: > 0 } cpus ? cpus : null,
            Keep = Environment.GetEnvironmentVariable("BENCH_KEEP") == "1",
        };
    }

    private const StringSplitOptions Split = StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries;

    private static IReadOnlyList<string> CustomersFrom(string text)
    {
        var asked = text.Split(',', Split).Select(t => t.ToLowerInvariant()).ToList();
        if (asked.Count == 0 || asked.Any(a => !CustomerLabels.Contains(a)))
            throw new ArgumentException($"--customers takes {string.Join(", ", CustomerLabels)}");
        return CustomerLabels.Where(asked.Contains).ToList();
    }

    private static int Int(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
        ? n : throw new ArgumentException($"Not a number or an option: {text}");

    private static int? Env(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? Int(v) : null;
}
