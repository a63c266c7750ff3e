// Load client for the Make a Payment page. Starts the built portal on 127.0.0.1 over a fresh SQLite file, lets it seed
// the demo, then writes two customers into it with plain SQL (the triggers keep the totals; BenchData.cs):
//   5k  — the demo customer 1001 with 5,000 open single-site invoices and 100 multi-site invoices of 20 children added
//         (≈7,290 open invoices), as the bench has always measured;
//   50k — a new customer with 50,000 open single-site invoices of the same shape over 8 sites, the same 100 × 20
//         multi-site invoices (≈52,000 open), and its own contacts.
// Each customer's users sign in (a selection belongs to one user). Then, per scenario, the 5k and the 50k customer are
// measured one right after the other (taking turns going first), so their ratio compares the same minutes.
//   dotnet run -c Release --no-build --project bench/CustomerPortal.Bench.Page -- [requests=4000] [connections=16]
//       [--runs N] [--short] [--only KEY,...] [--customers 5k,50k]          (--help lists the scenario keys)
// Scenarios: GET /pay in each sort order and direction (invoice date, due date, number, balance; page 1 of 25 rows),
// toggle one invoice, select page (25), select all (the 200 oldest), custom amount preview.
// Load tool: wrk (apt-get install wrk) when it is on the PATH — 16 connections over BENCH_WRK_THREADS threads (default
// 2), BENCH_USERS signed-in users per customer (default 4 per connection; each thread takes its slice of the users in
// turn), a Lua script per scenario (WrkScript.cs) — otherwise this program's own HttpClient workers (BENCH_TOOL=dotnet
// forces them, requests per scenario as the first argument). With wrk each scenario runs for BENCH_SECONDS (default
// 20).
// Each user goes through the scenario's request bodies in order. Toggle: every request changes the selection (check 50
// invoices one by one, then uncheck them, …) and carries the version the user's page would show (X-Page-Version: draft
// revision and invoice-figure stamp, as the page's script sends it), so the server answers with the changed row only;
// the toggle line says how many answers were rows only and how many the whole work area. Select page cycles over 7
// pages and select all asks for the same 200 oldest: after a user's first pass they re-select what is selected, which
// writes nothing (by design). Custom amount: a new amount every request (a write each). Every user's selection is
// cleared before each measured run.
// Warm-up: BENCH_WARMUP_SECONDS (default 30) of mixed load over both customers before the first scenario, then
// BENCH_SCENARIO_WARM_SECONDS (default 3) of each scenario before it is measured: the server's tiered JIT needs load to
// reach optimised code on 2 shared cores; the figures are steady state. --short: 5 s, 1 s and 3 s (a quick check).
// Optional environment: BENCH_SERVER_CPUS=1 runs the server under `taskset -c 1` (pin the client with taskset on the
// command line, e.g. `taskset -c 0 dotnet …`); BENCH_KEEP=1 keeps the SQLite file and prints its folder (for
// profiling).
using CustomerPortal.Bench.Page;

var wrk = Environment.GetEnvironmentVariable("BENCH_TOOL") != "dotnet" ? FindOnPath("wrk") : null;
BenchOptions options;
try
{
    options = BenchOptions.Parse(args, wrk);
}
catch (ArgumentException e)
{
    if (e.Message != "usage") Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(BenchOptions.Usage.Replace("{KEYS}", string.Join(", ", Scenario.All.Select(s => s.Key))));
    return 2;
}

Console.WriteLine($"page bench: {options.Runs} run(s); customers {string.Join(", ", options.Customers)}; " +
    $"scenarios {string.Join(", ", options.Scenarios.Select(s => s.Key))}{(options.Short ? "; short" : "")}");
Console.WriteLine(Git("rev-parse --short HEAD") is { Length: > 0 } head
    ? $"commit {head}; portal code (src/) last changed in {Git("log -1 --format=%h -- src")}"
    : "commit unknown");
if (wrk is null) Console.WriteLine("wrk not found: HttpClient workers (figures not comparable with wrk's)");
var runs = new List<RunResult>();
for (var r = 1; r <= options.Runs; r++)
{
    Console.WriteLine($"\n== run {r} of {options.Runs}, {DateTime.Now:HH:mm:ss}");
    runs.Add(await new PageBenchRun(options).RunAsync());
    Summary.PrintRun(options, runs[^1], r);
}
if (options.Runs > 1) Summary.PrintMedians(options, runs);
return 0;

static string? FindOnPath(string name) =>
    (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name))
        .FirstOrDefault(File.Exists);

static string Git(string arguments)
{
    try
    {
        var psi = new System.Diagnostics.ProcessStartInfo("git", arguments)
        {
            WorkingDirectory = CustomerPortal.Bench.Shared.PortalProcess.FindRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = System.Diagnostics.Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return p.ExitCode == 0 ? output : "";
    }
    catch (System.ComponentModel.Win32Exception)
    {
        return "";
    }
}
