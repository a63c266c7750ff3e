// Load client for the Make a Payment page. Starts the built portal on 127.0.0.1 over a fresh SQLite file, lets it seed
// the demo, adds 5,000 open single-site invoices and 100 multi-site invoices of 20 children to the demo customer, gives
// each worker its own sign-in (a selection belongs to one user), then runs each scenario with 16 concurrent connections.
//   dotnet run -c Release --project bench/CustomerPortal.Bench.Page -- [requestsPerScenario=4000] [workers=16]
// Load tool: wrk (apt-get install wrk) when it is on the PATH — 16 connections over BENCH_WRK_THREADS threads (default 2),
// BENCH_USERS signed-in users (default 4 per connection; each thread takes its slice of the users in turn), a Lua script per scenario — otherwise this program's own HttpClient workers (BENCH_TOOL=dotnet forces them).
// With wrk each scenario runs for BENCH_SECONDS (default 20) instead of a number of requests.
// Each user goes through the scenario's request bodies in order. Toggle: every request changes the selection (check 50
// invoices one by one, then uncheck them, …) and carries the version the user's page would show (X-Page-Version: draft
// revision and invoice-figure stamp, as the page's script sends it), so the server answers with the changed row only; the
// toggle line says how many answers were rows only and how many the whole work area. Select page cycles over 7 pages and select all asks for the same 200 oldest:
// after a user's first pass they re-select what is selected, which writes nothing (by design). Custom amount: a new
// amount every request (a write each). Every user's selection is cleared before each measured run.
// Warm-up: BENCH_WARMUP_SECONDS (default 30) of mixed load before the first scenario, then 3 s of each scenario before it
// is measured: the server's tiered JIT needs load to reach optimised code on 2 shared cores; the figures are steady state.
// Optional environment: BENCH_SERVER_CPUS=1 runs the server under `taskset -c 1` (pin the client with taskset on the
// command line, e.g. `taskset -c 0 dotnet …`); BENCH_KEEP=1 keeps the SQLite file and prints its folder (for profiling).
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using CustomerPortal.Bench.Shared;
using Microsoft.Data.Sqlite;

var requests = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 4000;
var workers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 16;
var wrk = Environment.GetEnvironmentVariable("BENCH_TOOL") != "dotnet" ? FindOnPath("wrk") : null;
var seconds = int.Parse(Environment.GetEnvironmentVariable("BENCH_SECONDS") ?? "20", CultureInfo.InvariantCulture);
var warmupSeconds = int.Parse(Environment.GetEnvironmentVariable("BENCH_WARMUP_SECONDS") ?? "30", CultureInfo.InvariantCulture);
// wrk's threads (each runs many connections): the machine has 2 cores shared with the server, so 2 by default rather than
// one per connection (16 threads cost the client more CPU and context switches than the server's work on the same cores).
var wrkThreads = int.Parse(Environment.GetEnvironmentVariable("BENCH_WRK_THREADS") ?? "2", CultureInfo.InvariantCulture);
// Signed-in users: with wrk, BENCH_USERS (default 4 per connection), taken in turn, so one user rarely has two requests in
// flight (a person's page sends one at a time; two at once can reach the server in the other order). HttpClient workers:
// one user each.
var users = wrk is not null ? int.Parse(Environment.GetEnvironmentVariable("BENCH_USERS") ?? (workers * 4).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : workers;
var root = PortalProcess.FindRoot();
var webDll = Path.Combine(root, "src/CustomerPortal.Web/bin/Release/net10.0/CustomerPortal.Web.dll");
if (!File.Exists(webDll)) throw new InvalidOperationException("Build first: dotnet build -c Release src/CustomerPortal.Web");
var folder = Path.Combine(Path.GetTempPath(), "cp-bench-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(folder);
var db = Path.Combine(folder, "portal.db");
const string url = "http://127.0.0.1:5397";

var handlers = new Dictionary<HttpClient, TlsEndedCookies>();
PortalProcess.EnsurePortFree(new Uri(url));
var server = StartServer();
try
{
    await PortalProcess.WaitUntilUpAsync(new Uri(url));
    var (customerId, password) = GenerateData();
    var clients = new List<HttpClient>();
    for (var w = 0; w < users; w++) clients.Add(await SignInAsync($"bench{w}@summitbuilders.example", password));
    var tokens = new List<string>();
    foreach (var c in clients) tokens.Add(Token(await c.GetStringAsync("/pay")));
    var ids = InvoiceIds(customerId);
    Console.WriteLine(wrk is not null
        ? $"customer {customerId}: 5,000 single-site and 100 × 20 multi-site invoices added; wrk, {workers} connections on {wrkThreads} threads, {users} signed-in users taken in turn × {seconds} s per scenario"
        : $"customer {customerId}: 5,000 single-site and 100 × 20 multi-site invoices added; {workers} HttpClient workers × {requests} requests per scenario");

    // Each scenario as form bodies (without the antiforgery token), request i uses bodies[i % count].
    string Ids(IEnumerable<long> list) => string.Join("&", list.Select(id => "ids=" + id.ToString(CultureInfo.InvariantCulture)));
    // Every toggle changes the selection: each user checks 50 invoices one by one, then unchecks them, and so on (its
    // selection is cleared before the measured run, so the first check finds the invoice unchecked).
    var toggled = ids.Take(50).ToList();
    var toggleBodies = toggled.Select(id => $"invoiceId={id}&check=true").Concat(toggled.Select(id => $"invoiceId={id}&check=false")).ToList();
    var pageBodies = Enumerable.Range(0, 7).Select(i => Ids(ids.Skip(i * 25 % 175).Take(25))).ToList();
    var amountBodies = Enumerable.Range(0, 500).Select(i => "amount=" + (1000 + i * 10).ToString(CultureInfo.InvariantCulture) + ".25").ToList();
    var cookies = clients.Select(c => handlers[c].Jar.GetCookieHeader(TlsEndedCookies.AsHttps(new Uri(url)))).ToList();

    if (warmupSeconds > 0)
    {
        Console.WriteLine($"warm-up: {warmupSeconds} s of mixed requests");
        var until = DateTime.UtcNow.AddSeconds(warmupSeconds);
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            for (var i = w; DateTime.UtcNow < until; i += workers)
            {
                using var r = (i % 4) switch
                {
                    0 => await clients[w].GetAsync("/pay"),
                    1 => await PostBody(clients[w], tokens[w], "/pay/selection/invoice", toggleBodies[i % toggleBodies.Count]),
                    2 => await PostBody(clients[w], tokens[w], "/pay/selection/page", pageBodies[i % pageBodies.Count]),
                    _ => await PostBody(clients[w], tokens[w], "/pay/selection/all", ""),
                };
                await r.Content.ReadAsByteArrayAsync();
            }
        })));
    }

    var peak = new PeakWorkingSet(server.Id);
    var results = new List<string>();
    results.Add(await ScenarioAsync("GET /pay (single-site, 25 rows)", "/pay", null));
    results.Add(await ScenarioAsync("toggle one invoice", "/pay/selection/invoice", toggleBodies));
    results.Add(await ScenarioAsync("select page (25)", "/pay/selection/page", pageBodies));
    results.Add(await ScenarioAsync("select all (200 of 5,000)", "/pay/selection/all", [""]));
    for (var w = 0; w < users; w++) await Post(clients[w], tokens[w], "/pay/choice", [new("choice", "custom")], fragment: false);
    results.Add(await ScenarioAsync("custom amount preview (7,000 invoices)", "/pay/amount", amountBodies));
    Console.WriteLine();
    Console.WriteLine("| scenario | requests | errors | req/s | p50 ms | p99 ms |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|");
    foreach (var r in results) Console.WriteLine(r);
    Console.WriteLine($"\nserver peak working set (VmHWM): {peak.PeakMegabytes():0} MB");

    async Task<string> ScenarioAsync(string name, string path, List<string>? bodies)
    {
        // Toggles carry the version the user's page shows, as the page's script does: each user's k-th toggle after a
        // clear changes the selection once, so its page shows the revision after the clear + k, and the same invoice
        // figures (nothing else changes them during the bench) — see ClearAllAsync.
        var toggles = path == "/pay/selection/invoice";
        var revisions = new int[users];
        var stamps = new string[users];
        Func<int, int, Task<HttpResponseMessage>> send = bodies is null
            ? (w, i) => clients[w].GetAsync(path)
            : (w, i) => PostBody(clients[w], tokens[w], path, bodies[i % bodies.Count],
                toggles ? (revisions[w] + i).ToString(CultureInfo.InvariantCulture) + "." + stamps[w] : null);
        if (toggles) await ClearAllAsync(revisions, stamps);
        // 3 s of this scenario first (JIT of its own code paths), not measured.
        var warm = DateTime.UtcNow.AddSeconds(3);
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; DateTime.UtcNow < warm; i++) (await send(w, i)).Dispose();
        })));
        // Each user starts the measured run with nothing selected (the warm-ups leave selections behind).
        if (bodies is not null && path != "/pay/amount") await ClearAllAsync(revisions, stamps);
        return wrk is not null ? await RunWrkAsync(name, path, bodies, toggles ? (revisions, stamps) : null) : await RunAsync(name, send);
    }

    // Clears every user's selection and notes the version ("revision.stamp") each user's page then shows.
    async Task ClearAllAsync(int[] revisions, string[] stamps)
    {
        for (var w = 0; w < users; w++)
        {
            using var cleared = await PostBody(clients[w], tokens[w], "/pay/selection/clear", "");
            var version = cleared.Headers.GetValues("X-Page-Version").Single();
            revisions[w] = int.Parse(version[..version.IndexOf('.')], CultureInfo.InvariantCulture);
            stamps[w] = version[(version.IndexOf('.') + 1)..];
        }
    }

    async Task<string> RunWrkAsync(string name, string path, List<string>? bodies, (int[] Revisions, string[] Stamps)? versions)
    {
        var script = Path.Combine(folder, "scenario.lua");
        await File.WriteAllTextAsync(script, WrkScript(path, bodies, cookies, tokens, versions, wrkThreads));
        var psi = new ProcessStartInfo(wrk, $"-t{wrkThreads} -c{workers} -d{seconds}s --latency -s \"{script}\" {url}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        var m = Regex.Match(output, @"RESULT (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+)");
        if (Regex.Match(output, @"ANSWERS (\d+) (\d+)") is { Success: true } a)
            Console.WriteLine($"  {name}: {a.Groups[1].Value} answered with the changed rows only, {a.Groups[2].Value} with the whole work area");
        if (!m.Success) throw new InvalidOperationException("wrk said: " + output + await p.StandardError.ReadToEndAsync());
        double D(int g) => double.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture);
        var line = string.Create(CultureInfo.InvariantCulture, $"| {name} | {m.Groups[1].Value} | {m.Groups[2].Value} | {D(3):0} | {D(4):0.0} | {D(5):0.0} |");
        Console.WriteLine(line);
        return line;
    }

    async Task<string> RunAsync(string name, Func<int, int, Task<HttpResponseMessage>> send)
    {
        // The measured run: each worker takes request numbers from a shared counter.
        var latencies = new double[requests];
        var next = -1;
        var errors = 0;
        var clock = Stopwatch.StartNew();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            int i;
            var mine = 0; // each user goes through the bodies in order, as under wrk
            while ((i = Interlocked.Increment(ref next)) < requests && !cts.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await send(w, mine++);
                await response.Content.ReadAsByteArrayAsync();
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
            }
        })));
        var elapsed = clock.Elapsed.TotalSeconds;
        var done = Math.Min(requests, next);
        var sorted = latencies.Take(done).Order().ToArray();
        double P(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        var line = string.Create(CultureInfo.InvariantCulture, $"| {name} | {done} | {errors} | {done / elapsed:0} | {P(0.50):0.0} | {P(0.99):0.0} |");
        Console.WriteLine(line);
        return line;
    }
}
finally
{
    server.Kill(entireProcessTree: true);
    await server.WaitForExitAsync();
    SqliteConnection.ClearAllPools();
    if (Environment.GetEnvironmentVariable("BENCH_KEEP") == "1") Console.WriteLine($"kept {folder}");
    else try { Directory.Delete(folder, true); } catch (IOException) { }
}

Process StartServer()
{
    var cpus = Environment.GetEnvironmentVariable("BENCH_SERVER_CPUS");
    var psi = new ProcessStartInfo(cpus is { Length: > 0 } ? "taskset" : "dotnet", (cpus is { Length: > 0 } ? $"-c {cpus} dotnet " : "") + $"\"{webDll}\"")
    {
        WorkingDirectory = Path.GetDirectoryName(webDll)!,
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    };
    psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
    psi.Environment["ASPNETCORE_URLS"] = url;
    psi.Environment["Database__ConnectionString"] = $"Data Source={db};Pooling=True";
    psi.Environment["Serilog__MinimumLevel__Default"] = "Warning";
    psi.Environment["RateLimiting__SignInPermitsPerMinute"] = "1000";
    PortalProcess.AddDemoSettings(psi);
    var p = Process.Start(psi)!;
    p.OutputDataReceived += (_, e) => { };
    p.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) Console.Error.WriteLine("server: " + e.Data); };
    p.BeginOutputReadLine();
    p.BeginErrorReadLine();
    return p;
}

(long CustomerId, string Password) GenerateData()
{
    using var c = new SqliteConnection($"Data Source={db}");
    c.Open();
    using var tx = c.BeginTransaction();
    long Scalar(string sql) => Convert.ToInt64(new SqliteCommand(sql, c, tx).ExecuteScalar(), CultureInfo.InvariantCulture);
    var customerId = Scalar("SELECT Id FROM Customers WHERE AccountNumber = '1001'");
    var siteId = Scalar($"SELECT MIN(Id) FROM Sites WHERE CustomerId = {customerId}");
    var insert = new SqliteCommand(
        "INSERT INTO Invoices (CustomerId, SiteId, MultiSiteInvoiceId, ExternalId, Number, InvoiceDate, DueDate, SubtotalCents, TaxCents, TotalCents, PaidCents, PendingCents, BalanceCents, IsVoid, Version) " +
        "VALUES ($c, $s, $m, $n, $n, $d, $due, $t, 0, $t, 0, 0, $t, 0, 1)", c, tx);
    foreach (var name in new[] { "$c", "$s", "$m", "$n", "$d", "$due", "$t" }) insert.Parameters.Add(new SqliteParameter(name, null));
    var rng = new Random(5000);
    var start = new DateOnly(2019, 1, 1);
    void Add(long? parent, string number, DateOnly date, DateOnly due)
    {
        insert.Parameters["$c"].Value = customerId;
        insert.Parameters["$s"].Value = siteId;
        insert.Parameters["$m"].Value = (object?)parent ?? DBNull.Value;
        insert.Parameters["$n"].Value = number;
        insert.Parameters["$d"].Value = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        insert.Parameters["$due"].Value = due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        insert.Parameters["$t"].Value = 5_000 + rng.Next(0, 100_000);
        insert.ExecuteNonQuery();
    }
    for (var i = 0; i < 5000; i++) { var d = start.AddDays(i / 3); Add(null, $"B-{i:D5}", d, d.AddDays(30)); }
    for (var p = 0; p < 100; p++)
    {
        var d = start.AddDays(p * 15);
        new SqliteCommand($"INSERT INTO MultiSiteInvoices (CustomerId, ExternalId, Number, InvoiceDate, DueDate, IsVoid) VALUES ({customerId}, 'BMS-{p}', 'BMS-{p:D3}', '{d:yyyy-MM-dd}', '{d.AddDays(30):yyyy-MM-dd}', 0)", c, tx).ExecuteNonQuery();
        var parentId = Scalar("SELECT last_insert_rowid()");
        for (var k = 0; k < 20; k++) Add(parentId, $"BMS-{p:D3}-{k:D2}", d, d.AddDays(30));
    }
    // One sign-in per user for the same customer (same password hash as the demo contact).
    for (var w = 0; w < users; w++)
    {
        var email = $"bench{w}@summitbuilders.example";
        new SqliteCommand(
            "INSERT INTO AspNetUsers (Id, DisplayName, CustomerId, UserName, NormalizedUserName, Email, NormalizedEmail, EmailConfirmed, PasswordHash, SecurityStamp, ConcurrencyStamp, PhoneNumberConfirmed, TwoFactorEnabled, LockoutEnabled, AccessFailedCount) " +
            $"SELECT '{Guid.NewGuid()}', 'Bench {w}', CustomerId, '{email}', '{email.ToUpperInvariant()}', '{email}', '{email.ToUpperInvariant()}', 1, PasswordHash, '{Guid.NewGuid():N}', '{Guid.NewGuid()}', 0, 0, 0, 0 " +
            "FROM AspNetUsers WHERE NormalizedEmail = 'AP@SUMMITBUILDERS.EXAMPLE'", c, tx).ExecuteNonQuery();
    }
    tx.Commit();
    new SqliteCommand("ANALYZE", c).ExecuteNonQuery();
    return (customerId, "Demo!Pass2026");
}

List<long> InvoiceIds(long customerId)
{
    using var c = new SqliteConnection($"Data Source={db}");
    c.Open();
    using var r = new SqliteCommand($"SELECT Id FROM Invoices WHERE CustomerId = {customerId} AND MultiSiteInvoiceId IS NULL AND BalanceCents > 0 AND IsVoid = 0 ORDER BY InvoiceDate, DueDate, Number, Id LIMIT 200", c).ExecuteReader();
    var ids = new List<long>();
    while (r.Read()) ids.Add(r.GetInt64(0));
    return ids;
}

async Task<HttpClient> SignInAsync(string email, string pwd)
{
    var handler = new TlsEndedCookies(new CookieContainer());
    var http = new HttpClient(handler) { BaseAddress = new Uri(url) };
    handlers[http] = handler;
    var token = Token(await http.GetStringAsync("/account/sign-in"));
    var response = await http.PostAsync("/account/sign-in", new FormUrlEncodedContent(
        [new("Email", email), new("Password", pwd), new("__RequestVerificationToken", token)]));
    if (response.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"Sign-in of {email}: {(int)response.StatusCode}");
    return http;
}

static Task<HttpResponseMessage> PostBody(HttpClient c, string token, string action, string body, string? version = null)
{
    var request = new HttpRequestMessage(HttpMethod.Post, action)
    {
        Content = new StringContent((body.Length > 0 ? body + "&" : "") + "__RequestVerificationToken=" + Uri.EscapeDataString(token),
            System.Text.Encoding.ASCII, "application/x-www-form-urlencoded"),
    };
    request.Headers.Add("X-Fragment", "1");
    if (version is not null) request.Headers.Add("X-Page-Version", version);
    return c.SendAsync(request);
}

// Each wrk thread takes its slice of the users in turn, request by request, each user with its cookies and antiforgery
// token; each user's POST bodies go through the scenario's list in order. For toggles a response() callback counts the
// answers by size (rows only or the whole work area); it costs the client some CPU (wrk then hands every body to Lua).
// done() prints requests, non-2xx/errors, req/s, p50 and p99 in ms.
static string WrkScript(string path, List<string>? bodies, List<string> cookies, List<string> tokens, (int[] Revisions, string[] Stamps)? versions, int threads)
{
    static string Lua(string v) => "\"" + v.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    var sb = new System.Text.StringBuilder();
    sb.Append("local cookies = {").AppendJoin(", ", cookies.Select(Lua)).Append("}\n");
    sb.Append("local tokens = {").AppendJoin(", ", tokens.Select(t => Lua(Uri.EscapeDataString(t)))).Append("}\n");
    sb.Append("local bodies = {").AppendJoin(", ", (bodies ?? []).Select(Lua)).Append("}\n");
    sb.Append("local path = ").Append(Lua(path)).Append('\n');
    // Toggles only: each user's revision and invoice-figure stamp after the clear.
    sb.Append("local revisions = {").AppendJoin(", ", versions?.Revisions ?? []).Append("}\n");
    sb.Append("local stamps = {").AppendJoin(", ", (versions?.Stamps ?? []).Select(Lua)).Append("}\n");
    sb.Append("local per = ").Append(Math.Max(1, cookies.Count / threads)).Append('\n'); // users per wrk thread
    sb.Append("""
        local threads = {}
        local counter = 0
        function setup(thread)
          counter = counter + 1
          thread:set("uid", counter)
          table.insert(threads, thread)
        end
        local sent = {}
        function init(args)
          n = 0
        end
        -- Each wrk thread serves its own slice of the signed-in users, taking them in turn request by request.
        function request()
          n = n + 1
          local user = (uid - 1) * per + ((n - 1) % per) + 1
          local cookie = cookies[user]
          local token = tokens[user]
          if #bodies == 0 then
            return wrk.format("GET", path, { ["Cookie"] = cookie })
          end
          -- Each user goes through the bodies in order, from the first (toggles: check 50, then uncheck them).
          local k = sent[user] or 0
          sent[user] = k + 1
          local body = bodies[(k % #bodies) + 1]
          if #body > 0 then body = body .. "&" end
          local headers = { ["Cookie"] = cookie, ["X-Fragment"] = "1", ["Content-Type"] = "application/x-www-form-urlencoded" }
          -- A toggle carries the version its user's page would show: the revision after the clear + the toggles before
          -- it, and the invoice-figure stamp (unchanged during the bench).
          -- (Two requests of one user in flight at once can reach the server in the other order: both then get the
          -- whole work area, as a page that missed a change would; the counts below say how often.)
          if #revisions > 0 then headers["X-Page-Version"] = tostring(revisions[user] + k) .. "." .. stamps[user] end
          return wrk.format("POST", path, headers, body .. "__RequestVerificationToken=" .. token)
        end
        rows_only = 0
        whole = 0
        -- Toggles only: which answer came back (the changed rows only are a few KB, the whole work area ~55 KB).
        if #revisions > 0 then
          function response(status, headers, body)
            if #body < 20000 then rows_only = rows_only + 1 else whole = whole + 1 end
          end
        end
        function done(summary, latency, requests)
          if #revisions > 0 then
            local r, w = 0, 0
            for _, t in ipairs(threads) do r = r + t:get("rows_only"); w = w + t:get("whole") end
            io.write(string.format("ANSWERS %d %d\n", r, w))
          end
          local e = summary.errors
          io.write(string.format("RESULT %d %d %.1f %.1f %.1f\n", summary.requests,
            e.connect + e.read + e.write + e.status + e.timeout,
            summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000))
        end
        """);
    return sb.ToString();
}

static string? FindOnPath(string name) =>
    (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

static Task<HttpResponseMessage> Post(HttpClient c, string token, string action, List<KeyValuePair<string, string>> fields, bool fragment = true)
{
    fields.Add(new("__RequestVerificationToken", token));
    var request = new HttpRequestMessage(HttpMethod.Post, action) { Content = new FormUrlEncodedContent(fields) };
    if (fragment) request.Headers.Add("X-Fragment", "1");
    return c.SendAsync(request);
}

static string Token(string html) =>
    Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value is { Length: > 0 } t
        ? t : throw new InvalidOperationException("No antiforgery token on the page.");
