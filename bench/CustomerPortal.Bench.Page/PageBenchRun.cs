using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using CustomerPortal.Bench.Shared;
using Microsoft.Data.Sqlite;

namespace CustomerPortal.Bench.Page;

/// <summary>One customer under load: its signed-in users and the request bodies of its scenarios.</summary>
internal sealed class BenchCustomer(string label, long id)
{
    public string Label { get; } = label;
    public long Id { get; } = id;
    public List<string> Emails { get; set; } = [];
    public long OpenCount { get; set; }
    public long OpenSingleSiteCount { get; set; }
    public List<HttpClient> Clients { get; } = [];
    public List<string> Tokens { get; } = [];
    public List<string> Cookies { get; } = [];
    public List<string> ToggleBodies { get; set; } = [];
    public List<string> PageBodies { get; set; } = [];
}

/// <summary>A scenario's figures for one customer in one run.</summary>
internal sealed record Measure(
    string Scenario, string Customer, long Requests, long Errors, double Rps, double P50, double P99);

internal sealed record RunResult(IReadOnlyList<Measure> Measures, double PeakMegabytes);

/// <summary>
/// One full run: a fresh portal process over a fresh SQLite file, the bench customers written into it, sign-ins,
/// a mixed warm-up, then each scenario for each customer, one right after the other.
/// </summary>
internal sealed class PageBenchRun(BenchOptions o)
{
    private const string Url = "http://127.0.0.1:5397";

    // wrk's own default is 2 s: a slower answer would count as an error and be left out of the percentiles.
    private const int WrkTimeoutSeconds = 10;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "cp-bench-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<HttpClient, TlsEndedCookies> _handlers = [];
    private string Db => Path.Combine(_folder, "portal.db");

    public async Task<RunResult> RunAsync()
    {
        var root = PortalProcess.FindRoot();
        var webDll = Path.Combine(root, "src/CustomerPortal.Web/bin/Release/net10.0/CustomerPortal.Web.dll");
        if (!File.Exists(webDll))
            throw new InvalidOperationException("Build first: dotnet build -c Release src/CustomerPortal.Web");
        Directory.CreateDirectory(_folder);
        PortalProcess.EnsurePortFree(new Uri(Url));
        var server = StartServer(webDll);
        // Stopped with Ctrl-C or a SIGTERM, the bench stops its portal too (one left running would hold the port).
        void Stop(PosixSignalContext _)
        {
            try { server.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        }
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        try
        {
            await PortalProcess.WaitUntilUpAsync(new Uri(Url));
            var customers = GenerateData();
            foreach (var cu in customers) await PrepareAsync(cu);
            Console.WriteLine(o.Wrk is not null
                ? $"wrk, {o.Workers} connections on {o.WrkThreads} threads, {o.UsersPerCustomer} signed-in users per " +
                  $"customer taken in turn; {o.ScenarioWarmSeconds} s unmeasured + {o.Seconds} s measured per scenario"
                : $"{o.Workers} HttpClient workers × {o.Requests} requests per scenario and customer");
            await WarmUpAsync(customers);
            var peak = new PeakWorkingSet(server.Id);
            var measures = new List<Measure>();
            for (var s = 0; s < o.Scenarios.Count; s++)
            {
                var scenario = o.Scenarios[s];
                if (scenario.Kind == ScenarioKind.Amount)
                {
                    foreach (var cu in customers)
                    {
                        for (var w = 0; w < cu.Clients.Count; w++)
                        {
                            using var chosen = await Post(cu.Clients[w], cu.Tokens[w], "/pay/choice",
                                [new("choice", "custom")]);
                        }
                    }
                }
                // The customers take turns going first, so a drift in the machine's load does not favour one.
                var order = s % 2 == 0 ? customers : customers.AsEnumerable().Reverse().ToList();
                foreach (var cu in order) measures.Add(await ScenarioAsync(scenario, cu));
            }
            var peakMb = peak.PeakMegabytes();
            Console.WriteLine($"server peak working set (VmHWM): {peakMb:0} MB");
            return new RunResult(measures, peakMb);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            SqliteConnection.ClearAllPools();
            foreach (var c in _handlers.Keys) c.Dispose();
            if (o.Keep) Console.WriteLine($"kept {_folder}");
            else try { Directory.Delete(_folder, true); } catch (IOException) { }
        }
    }

    private Process StartServer(string webDll)
    {
        var cpus = o.ServerCpus;
        var psi = new ProcessStartInfo(cpus is not null ? "taskset" : "dotnet",
            (cpus is not null ? $"-c {cpus} dotnet " : "") + $"\"{webDll}\"")
        {
            WorkingDirectory = Path.GetDirectoryName(webDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["ASPNETCORE_URLS"] = Url;
        psi.Environment["Database__ConnectionString"] = $"Data Source={Db};Pooling=True";
        psi.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        psi.Environment["RateLimiting__SignInPermitsPerMinute"] = "1000";
        PortalProcess.AddDemoSettings(psi);
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, e) => { };
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 }) Console.Error.WriteLine("server: " + e.Data);
        };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private List<BenchCustomer> GenerateData()
    {
        var clock = Stopwatch.StartNew();
        var customers = new List<BenchCustomer>();
        using var c = new SqliteConnection($"Data Source={Db}");
        c.Open();
        using (var tx = c.BeginTransaction())
        {
            foreach (var label in o.Customers)
            {
                var today = DateOnly.FromDateTime(DateTime.UtcNow);
                var cu = label == "5k"
                    ? new BenchCustomer(label, BenchData.AddFiveThousand(c, tx))
                    : new BenchCustomer(label, BenchData.AddFiftyThousand(c, tx, today));
                // 5k keeps the sign-ins it always had; 50k has its own contacts.
                cu.Emails = label == "5k"
                    ? BenchData.AddUsers(c, tx, cu.Id, "bench", "summitbuilders.example", o.UsersPerCustomer)
                    : BenchData.AddUsers(c, tx, cu.Id, "bench", "fiftythousand.example", o.UsersPerCustomer);
                customers.Add(cu);
            }
            tx.Commit();
        }
        using (var analyze = new SqliteCommand("ANALYZE", c)) analyze.ExecuteNonQuery();
        foreach (var cu in customers)
        {
            (cu.OpenCount, cu.OpenSingleSiteCount) = BenchData.StoredCounts(c, cu.Id);
            var ids = BenchData.OldestIds(c, cu.Id);
            // Every toggle changes the selection: each user checks 50 invoices one by one, then unchecks them, and so
            // on (its selection is cleared before the measured run, so the first check finds the invoice unchecked).
            var toggled = ids.Take(50).ToList();
            cu.ToggleBodies = toggled.Select(id => $"invoiceId={id}&check=true")
                .Concat(toggled.Select(id => $"invoiceId={id}&check=false")).ToList();
            cu.PageBodies = Enumerable.Range(0, 7).Select(i => Ids(ids.Skip(i * 25 % 175).Take(25))).ToList();
            Console.WriteLine($"customer {cu.Label} (id {cu.Id}): {cu.OpenCount:N0} open invoices, " +
                $"{cu.OpenSingleSiteCount:N0} single-site (as the triggers counted them)");
        }
        Console.WriteLine($"bench data written in {clock.Elapsed.TotalSeconds:0.0} s");
        return customers;
    }

    private static string Ids(IEnumerable<long> list) =>
        string.Join("&", list.Select(id => "ids=" + id.ToString(CultureInfo.InvariantCulture)));

    private async Task PrepareAsync(BenchCustomer cu)
    {
        foreach (var email in cu.Emails)
        {
            var client = await SignInAsync(email);
            cu.Clients.Add(client);
            cu.Tokens.Add(Token(await client.GetStringAsync("/pay")));
            cu.Cookies.Add(_handlers[client].Jar.GetCookieHeader(TlsEndedCookies.AsHttps(new Uri(Url))));
        }
        // The users see their own customer's invoices (a sign-in of the wrong customer would measure the wrong data).
        var page = await cu.Clients[0].GetStringAsync("/pay?sort=number&dir=asc");
        var expected = cu.Label == "5k" ? "B-00000" : "F-00000";
        if (!page.Contains(expected, StringComparison.Ordinal))
            throw new InvalidOperationException($"{cu.Label}: the page sorted by number does not show {expected}");
    }

    private async Task WarmUpAsync(List<BenchCustomer> customers)
    {
        if (o.WarmupSeconds <= 0) return;
        Console.WriteLine($"warm-up: {o.WarmupSeconds} s of mixed requests");
        var sorted = Scenario.All.Where(s => s.IsGet).Select(s => s.Path).ToList();
        var until = DateTime.UtcNow.AddSeconds(o.WarmupSeconds);
        await Task.WhenAll(Enumerable.Range(0, o.Workers).Select(w => Task.Run(async () =>
        {
            for (var i = w; DateTime.UtcNow < until; i += o.Workers)
            {
                var cu = customers[i / o.Workers % customers.Count];
                var (client, token) = (cu.Clients[w % cu.Clients.Count], cu.Tokens[w % cu.Clients.Count]);
                using var r = (i % 5) switch
                {
                    0 => await client.GetAsync("/pay"),
                    1 => await PostBody(client, token, "/pay/selection/invoice",
                        cu.ToggleBodies[i % cu.ToggleBodies.Count]),
                    2 => await PostBody(client, token, "/pay/selection/page", cu.PageBodies[i % cu.PageBodies.Count]),
                    3 => await PostBody(client, token, "/pay/selection/all", ""),
                    _ => await client.GetAsync(sorted[i / 5 % sorted.Count]),
                };
                await r.Content.ReadAsByteArrayAsync();
            }
        })));
    }

    private static readonly List<string> AmountBodies = Enumerable.Range(0, 500)
        .Select(i => "amount=" + (1000 + i * 10).ToString(CultureInfo.InvariantCulture) + ".25").ToList();

    private async Task<Measure> ScenarioAsync(Scenario scenario, BenchCustomer cu)
    {
        List<string>? bodies = scenario.Kind switch
        {
            ScenarioKind.Toggle => cu.ToggleBodies,
            ScenarioKind.SelectPage => cu.PageBodies,
            ScenarioKind.SelectAll => [""],
            ScenarioKind.Amount => AmountBodies,
            _ => null,
        };
        var users = cu.Clients.Count;
        // Toggles carry the version the user's page shows, as the page's script does: each user's k-th toggle after
        // a clear changes the selection once, so its page shows the revision after the clear + k, and the same
        // invoice figures (nothing else changes them during the bench) — see ClearAllAsync.
        var toggles = scenario.Kind == ScenarioKind.Toggle;
        var revisions = new int[users];
        var stamps = new string[users];
        Func<int, int, Task<HttpResponseMessage>> send = bodies is null
            ? (w, i) => cu.Clients[w].GetAsync(scenario.Path)
            : (w, i) => PostBody(cu.Clients[w], cu.Tokens[w], scenario.Path, bodies[i % bodies.Count],
                toggles ? (revisions[w] + i).ToString(CultureInfo.InvariantCulture) + "." + stamps[w] : null);
        if (toggles) await ClearAllAsync(cu, revisions, stamps);
        // Some seconds of this scenario first (JIT of its own code paths), not measured.
        var warm = DateTime.UtcNow.AddSeconds(o.ScenarioWarmSeconds);
        await Task.WhenAll(Enumerable.Range(0, Math.Min(o.Workers, users)).Select(w => Task.Run(async () =>
        {
            for (var i = 0; DateTime.UtcNow < warm; i++) (await send(w, i)).Dispose();
        })));
        // Each user starts the measured run with nothing selected (the warm-ups leave selections behind).
        if (bodies is not null && scenario.Kind != ScenarioKind.Amount) await ClearAllAsync(cu, revisions, stamps);
        var name = $"{scenario.Name} [{cu.Label}]";
        var m = o.Wrk is not null
            ? await RunWrkAsync(name, scenario, cu, bodies, toggles ? (revisions, stamps) : null)
            : await RunClientAsync(scenario, cu, send);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name}: {m.Requests} requests, {m.Errors} errors, {m.Rps:0} req/s, " +
            $"p50 {m.P50:0.00} ms, p99 {m.P99:0.00} ms"));
        return m;
    }

    // Clears every user's selection and notes the version ("revision.stamp") each user's page then shows.
    private async Task ClearAllAsync(BenchCustomer cu, int[] revisions, string[] stamps)
    {
        for (var w = 0; w < cu.Clients.Count; w++)
        {
            using var cleared = await PostBody(cu.Clients[w], cu.Tokens[w], "/pay/selection/clear", "");
            var version = cleared.Headers.GetValues("X-Page-Version").Single();
            revisions[w] = int.Parse(version[..version.IndexOf('.')], CultureInfo.InvariantCulture);
            stamps[w] = version[(version.IndexOf('.') + 1)..];
        }
    }

    private async Task<Measure> RunWrkAsync(string name, Scenario scenario, BenchCustomer cu, List<string>? bodies,
        (int[] Revisions, string[] Stamps)? versions)
    {
        var script = Path.Combine(_folder, "scenario.lua");
        await File.WriteAllTextAsync(script,
            WrkScript.For(scenario.Path, bodies, cu.Cookies, cu.Tokens, versions, o.WrkThreads));
        var psi = new ProcessStartInfo(o.Wrk!,
            $"-t{o.WrkThreads} -c{o.Workers} -d{o.Seconds}s --timeout {WrkTimeoutSeconds}s --latency " +
            $"-s \"{script}\" {Url}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        var m = Regex.Match(output, @"RESULT (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+)");
        if (Regex.Match(output, @"ANSWERS (\d+) (\d+)") is { Success: true } a)
        {
            Console.WriteLine($"  {name}: {a.Groups[1].Value} answered with the changed rows only, " +
                $"{a.Groups[2].Value} with the whole work area");
        }
        if (Regex.Match(output, @"ERRORS (\d+) (\d+) (\d+)") is { Success: true } e && e.Value != "ERRORS 0 0 0")
        {
            Console.WriteLine($"  {name}: errors: {e.Groups[1].Value} non-2xx answers, {e.Groups[2].Value} timeouts " +
                $"(over {WrkTimeoutSeconds} s), {e.Groups[3].Value} socket errors");
        }
        if (!m.Success)
            throw new InvalidOperationException("wrk said: " + output + await p.StandardError.ReadToEndAsync());
        double D(int g) => double.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture);
        long L(int g) => long.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture);
        return new Measure(scenario.Key, cu.Label, L(1), L(2), D(3), D(4), D(5));
    }

    private async Task<Measure> RunClientAsync(Scenario scenario, BenchCustomer cu,
        Func<int, int, Task<HttpResponseMessage>> send)
    {
        // The measured run: each worker takes request numbers from a shared counter.
        var latencies = new double[o.Requests];
        var next = -1;
        var errors = 0;
        var clock = Stopwatch.StartNew();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await Task.WhenAll(Enumerable.Range(0, Math.Min(o.Workers, cu.Clients.Count)).Select(w => Task.Run(async () =>
        {
            int i;
            var mine = 0; // each user goes through the bodies in order, as under wrk
            while ((i = Interlocked.Increment(ref next)) < o.Requests && !cts.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await send(w, mine++);
                await response.Content.ReadAsByteArrayAsync();
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
            }
        })));
        var elapsed = clock.Elapsed.TotalSeconds;
        var done = Math.Min(o.Requests, next);
        var sorted = latencies.Take(done).Order().ToArray();
        double P(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new Measure(scenario.Key, cu.Label, done, errors, done / elapsed, P(0.50), P(0.99));
    }

    private async Task<HttpClient> SignInAsync(string email)
    {
        var handler = new TlsEndedCookies(new CookieContainer());
        var http = new HttpClient(handler) { BaseAddress = new Uri(Url) };
        _handlers[http] = handler;
        var token = Token(await http.GetStringAsync("/account/sign-in"));
        using var response = await http.PostAsync("/account/sign-in", new FormUrlEncodedContent(
            [new("Email", email), new("Password", BenchData.Password), new("__RequestVerificationToken", token)]));
        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"Sign-in of {email}: {(int)response.StatusCode}");
        return http;
    }

    private static Task<HttpResponseMessage> PostBody(HttpClient c, string token, string action, string body,
        string? version = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, action)
        {
            Content = new StringContent(
                (body.Length > 0 ? body + "&" : "") + "__RequestVerificationToken=" + Uri.EscapeDataString(token),
                System.Text.Encoding.ASCII, "application/x-www-form-urlencoded"),
        };
        request.Headers.Add("X-Fragment", "1");
        if (version is not null) request.Headers.Add("X-Page-Version", version);
        return c.SendAsync(request);
    }

    // A plain form post (no X-Fragment), as the page's choice radio sends it without script.
    private static Task<HttpResponseMessage> Post(HttpClient c, string token, string action,
        List<KeyValuePair<string, string>> fields)
    {
        fields.Add(new("__RequestVerificationToken", token));
        var request = new HttpRequestMessage(HttpMethod.Post, action) { Content = new FormUrlEncodedContent(fields) };
        return c.SendAsync(request);
    }

    private static string Token(string html) =>
        Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value
            is { Length: > 0 } t ? t : throw new InvalidOperationException("No antiforgery token on the page.");
}
