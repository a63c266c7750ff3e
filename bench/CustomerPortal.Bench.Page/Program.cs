// Load client for the Make a Payment page. Starts the built portal on 127.0.0.1 over a fresh SQLite file, lets it seed
// the demo, adds 5,000 open single-site invoices and 100 multi-site invoices of 20 children to the demo customer, gives
// each worker its own sign-in (a selection belongs to one user), then runs each scenario with 16 concurrent workers.
//   dotnet run -c Release --project bench/CustomerPortal.Bench.Page -- [requestsPerScenario=4000] [workers=16]
// Optional environment: BENCH_SERVER_CPUS=1 runs the server under `taskset -c 1` (pin the client with taskset on the
// command line, e.g. `taskset -c 0 dotnet …`); BENCH_KEEP=1 keeps the SQLite file and prints its folder (for profiling).
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

var requests = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 4000;
var workers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 16;
var root = FindRoot();
var webDll = Path.Combine(root, "src/CustomerPortal.Web/bin/Release/net10.0/CustomerPortal.Web.dll");
if (!File.Exists(webDll)) throw new InvalidOperationException("Build first: dotnet build -c Release src/CustomerPortal.Web");
var folder = Path.Combine(Path.GetTempPath(), "cp-bench-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(folder);
var db = Path.Combine(folder, "portal.db");
const string url = "http://127.0.0.1:5397";

var server = StartServer();
try
{
    await WaitUntilUpAsync();
    var (customerId, password) = GenerateData();
    var clients = new List<HttpClient>();
    for (var w = 0; w < workers; w++) clients.Add(await SignInAsync($"bench{w}@summitbuilders.example", password));
    var tokens = new List<string>();
    foreach (var c in clients) tokens.Add(Token(await c.GetStringAsync("/pay")));
    var ids = InvoiceIds(customerId);
    Console.WriteLine($"customer {customerId}: {ids.Count} open single-site invoices; {workers} workers × {requests} requests per scenario");

    var peak = new PeakWorkingSet(server.Id);
    var results = new List<string>();
    results.Add(await RunAsync("GET /pay (single-site, 25 rows)", (c, t, i) => c.GetAsync("/pay")));
    results.Add(await RunAsync("toggle one invoice", (c, t, i) => Post(c, t, "/pay/selection/invoice",
        [new("invoiceId", ids[i % ids.Count].ToString(CultureInfo.InvariantCulture)), new("check", i % 2 == 0 ? "true" : "false")])));
    results.Add(await RunAsync("select page (25)", (c, t, i) => Post(c, t, "/pay/selection/page",
        ids.Skip((i * 25) % 175).Take(25).Select(id => new KeyValuePair<string, string>("ids", id.ToString(CultureInfo.InvariantCulture))).ToList())));
    results.Add(await RunAsync("select all (200 of 5,000)", (c, t, i) => Post(c, t, "/pay/selection/all", [])));
    for (var w = 0; w < workers; w++) await Post(clients[w], tokens[w], "/pay/choice", [new("choice", "custom")], fragment: false);
    results.Add(await RunAsync("custom amount preview (7,000 invoices)", (c, t, i) => Post(c, t, "/pay/amount",
        [new("amount", (1000 + i % 5000).ToString(CultureInfo.InvariantCulture) + ".25")])));
    Console.WriteLine();
    Console.WriteLine("| scenario | requests | errors | req/s | p50 ms | p99 ms |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|");
    foreach (var r in results) Console.WriteLine(r);
    Console.WriteLine($"\nserver peak working set (VmHWM): {peak.PeakMegabytes():0} MB");

    async Task<string> RunAsync(string name, Func<HttpClient, string, int, Task<HttpResponseMessage>> send)
    {
        // Warm-up, then the measured run: each worker takes request numbers from a shared counter.
        for (var w = 0; w < workers; w++) (await send(clients[w], tokens[w], w)).Dispose();
        var latencies = new double[requests];
        var next = -1;
        var errors = 0;
        var clock = Stopwatch.StartNew();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests && !cts.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await send(clients[w], tokens[w], i);
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
    psi.Environment["DataProtection__KeysPath"] = Path.Combine(folder, "keys");
    psi.Environment["Serilog__MinimumLevel__Default"] = "Warning";
    psi.Environment["RateLimiting__SignInPermitsPerMinute"] = "1000";
    var p = Process.Start(psi)!;
    p.OutputDataReceived += (_, e) => { };
    p.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) Console.Error.WriteLine("server: " + e.Data); };
    p.BeginOutputReadLine();
    p.BeginErrorReadLine();
    return p;
}

async Task WaitUntilUpAsync()
{
    using var http = new HttpClient { BaseAddress = new Uri(url) };
    for (var i = 0; i < 240; i++)
    {
        try { if ((await http.GetAsync("/health/live")).IsSuccessStatusCode) return; } catch (HttpRequestException) { }
        await Task.Delay(500);
    }
    throw new TimeoutException("The portal did not start.");
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
    // One sign-in per worker for the same customer (same password hash as the demo contact).
    for (var w = 0; w < workers; w++)
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
    var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = new Uri(url) };
    var token = Token(await http.GetStringAsync("/account/sign-in"));
    var response = await http.PostAsync("/account/sign-in", new FormUrlEncodedContent(
        [new("Email", email), new("Password", pwd), new("__RequestVerificationToken", token)]));
    if (response.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"Sign-in of {email}: {(int)response.StatusCode}");
    return http;
}

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

static string FindRoot()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CustomerPortal.sln"))) dir = dir.Parent;
    return dir?.FullName ?? throw new InvalidOperationException("Run from inside the repository.");
}

/// <summary>Reads the server's peak resident set (VmHWM) from /proc when asked; Linux only.</summary>
sealed class PeakWorkingSet(int pid)
{
    public double PeakMegabytes()
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? double.NaN : long.Parse(Regex.Match(line, "\\d+").Value, CultureInfo.InvariantCulture) / 1024.0;
    }
}
