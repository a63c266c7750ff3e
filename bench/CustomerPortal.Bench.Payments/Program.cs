// End-to-end card payments against the real app on 127.0.0.1 (the built CustomerPortal.Web.dll in its own process, with
// its own runtime settings; SQLite file; sandbox processor): N clients, each its own signed-in contact of one customer,
// each pays one invoice per request through GET /pay/checkout + POST /pay/checkout with a saved card. Prints
// throughput, p50, p99 and the server's peak working set, then checks the invariants.
// The data (customer, invoices, contacts, saved card, drafts) is arranged first through the app's own services in this
// process (WebApplicationFactory, no server), which then lets go of the files before the server starts on them. Before
// each payment the client selects the invoice on Make a Payment (one POST, not timed).
//   dotnet build -c Release src/CustomerPortal.Web &&
//     dotnet run -c Release --project bench/CustomerPortal.Bench.Payments -- --clients 16 --payments 8000 --seconds 30
// --warmup-seconds (default 20): payments made in the first seconds are real (they count for the invariants) but not
// for the figures: on 2 shared cores the tiered JIT needs that long under load to reach optimised code. Throughput and
// latency are measured over the payments that start after the warm-up, until --seconds more have passed.
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;
using CustomerPortal.Bench.Shared;
using Microsoft.Data.Sqlite;
using CustomerPortal.Domain.Customers;
using CustomerPortal.Domain.Invoices;
using CustomerPortal.Domain.Payments;
using CustomerPortal.Domain.Selection;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Infrastructure.Identity;
using CustomerPortal.Infrastructure.Payments.Sandbox;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Features.Payments;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerPortal.Bench.Payments;

public static class PaymentsBench
{
    public static async Task Main(string[] args)
    {
        var clients = Arg("--clients", 16);
        var payments = Arg("--payments", 4000);
        var seconds = Arg("--seconds", 60);
        var warmupSeconds = Arg("--warmup-seconds", 20);
        var folder = Path.Combine(Path.GetTempPath(), "cp-bench-pay-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);

        // Arrange: one customer with enough open invoices, one contact (and draft) per client, one saved card.
        // Enough invoices for the warm-up as well (up to 400 payments/s; about 250/s on this kind of machine).
        var perClient = (payments + warmupSeconds * 400 + clients - 1) / clients;
        long customerId, cardId;
        string[] emails, userIds;
        long[][] invoiceIds;
        long[] draftIds;
        Dictionary<long, long> offline;
        await using (var arrange = new BenchFactory(folder))
        {
            (customerId, cardId, emails, userIds, draftIds, invoiceIds, offline) =
                await ArrangeAsync(arrange, clients, perClient);
        }
        SqliteConnection.ClearAllPools();

        var webDll = Path.Combine(
            PortalProcess.FindRoot(), "src/CustomerPortal.Web/bin/Release/net10.0/CustomerPortal.Web.dll");
        if (!File.Exists(webDll))
            throw new InvalidOperationException("Build first: dotnet build -c Release src/CustomerPortal.Web");
        var baseUrl = new Uri("http://127.0.0.1:5398/");
        PortalProcess.EnsurePortFree(baseUrl);
        using var server = StartServer(webDll, folder, baseUrl);
        var peak = new PeakWorkingSet(server.Id);
        await PortalProcess.WaitUntilUpAsync(baseUrl);
        var portalDb = $"Data Source={Path.Combine(folder, "portal.db")};Pooling=True";
        long selectTicks = 0;
        Console.WriteLine($"Portal on {baseUrl} (own process) · SQLite {folder}/portal.db · {clients} clients · "
            + $"{payments} measured payments max · {warmupSeconds} s warm-up · {seconds} s max");

        var latencies = new List<double>[clients];
        var failures = 0;
        var done = 0;
        var warmedUp = 0;
        var clock = Stopwatch.StartNew();
        var deadline = new Stopwatch();
        var measuredStart = TimeSpan.Zero;
        var workers = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            latencies[c] = new List<double>(perClient);
            // Two contacts per client, taking turns: while one pays, the other's next selection is arranged (a second
            // process writing the file meets SQLite's busy sleeps while the server writes; this keeps that wait out of
            // the client's loop). Payments stay one at a time per client.
            var https = new HttpClient[2];
            for (var k = 0; k < 2; k++)
            {
                https[k] = new HttpClient(new TlsEndedCookies(new CookieContainer())) { BaseAddress = baseUrl };
                await SignInAsync(https[k], emails[2 * c + k]);
            }
            await using var selections = new SqliteConnection(portalDb);
            await selections.OpenAsync();
            await using (var pragma = new SqliteCommand("PRAGMA busy_timeout = 30000;", selections))
                await pragma.ExecuteNonQueryAsync();
            var nextSelection = SelectAsync(selections, draftIds[2 * c], invoiceIds[c][0]);
            for (var n = 0; n < perClient; n++)
            {
                var http = https[n % 2];
                var measuring = clock.Elapsed.TotalSeconds >= warmupSeconds;
                if (measuring)
                {
                    if (Interlocked.Exchange(ref warmedUp, 1) == 0) { measuredStart = clock.Elapsed; deadline.Start(); }
                    if (deadline.Elapsed.TotalSeconds >= seconds || Interlocked.Increment(ref done) > payments) break;
                }
                var waiting = Stopwatch.GetTimestamp();
                await nextSelection;
                if (measuring) Interlocked.Add(ref selectTicks, Stopwatch.GetElapsedTime(waiting).Ticks);
                nextSelection = n + 1 < perClient
                    ? SelectAsync(selections, draftIds[2 * c + (n + 1) % 2], invoiceIds[c][n + 1])
                    : Task.CompletedTask;
                var sw = Stopwatch.StartNew();
                var page = await http.GetStringAsync("/pay/checkout");
                var form = new Dictionary<string, string>
                {
                    ["__RequestVerificationToken"] = Field(page, "__RequestVerificationToken"),
                    ["Method"] = $"saved-{cardId}",
                    ["DraftRevision"] = Field(page, "DraftRevision"),
                    ["ExpectedAmountCents"] = Field(page, "ExpectedAmountCents"),
                };
                var response = await http.PostAsync("/pay/checkout", new FormUrlEncodedContent(form));
                sw.Stop();
                if (response.StatusCode != HttpStatusCode.Redirect
                    || !response.Headers.Location!.ToString().StartsWith("/pay/payments/", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref failures);
                }
                if (measuring) latencies[c].Add(sw.Elapsed.TotalMilliseconds);
            }
            await nextSelection;
            foreach (var h in https) h.Dispose();
        })).ToArray();
        await Task.WhenAll(workers);
        var elapsed = deadline.Elapsed.TotalSeconds;
        Console.WriteLine($"warm-up: {warmupSeconds} s (those payments are checked below, not counted in the figures); "
            + $"measured from {measuredStart.TotalSeconds:F1} s");

        var all = latencies.SelectMany(l => l).Order().ToArray();
        double P(double q) => all[Math.Min(all.Length - 1, (int)Math.Ceiling(q * all.Length) - 1)];
        Console.WriteLine($"payments: {all.Length} in {elapsed:F1} s → {all.Length / elapsed:F0} payments/s "
            + "(checkout GET + Pay POST each)");
        Console.WriteLine($"latency of one payment (GET checkout + POST pay): p50 {P(0.50):F1} ms · "
            + $"p99 {P(0.99):F1} ms · max {all[^1]:F1} ms");
        Console.WriteLine($"refused or failed requests: {failures}");
        Console.WriteLine("waiting for the next selection to be arranged (not timed): "
            + $"{TimeSpan.FromTicks(selectTicks).TotalMilliseconds / Math.Max(1, all.Length):F1} ms "
            + "per payment on average");
        Console.WriteLine($"server peak working set (VmHWM): {peak.PeakMegabytes():0} MB");
        server.Kill(entireProcessTree: true);
        await server.WaitForExitAsync();
        SqliteConnection.ClearAllPools();

        await using var app = new BenchFactory(folder);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var charges = await scope.ServiceProvider.GetRequiredService<SandboxProcessor>().ListChargesAsync();
            var problems = await PaymentInvariants.CheckAsync(db, offline, charges, settled: true);
            var succeeded = await db.Payments.CountAsync(p => p.Status == PaymentStatus.Succeeded);
            Console.WriteLine($"payment rows: {await db.Payments.CountAsync()} · succeeded: {succeeded} · "
                + $"processor charges: {charges.Count}");
            Console.WriteLine(problems.Count == 0
                ? "invariants: all hold, nothing lost"
                : "INVARIANTS BROKEN:\n" + string.Join("\n", problems.Take(20)));
            Environment.ExitCode = problems.Count == 0 && failures == 0 && succeeded == all.Length ? 0 : 1;
        }
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(folder, true); } catch (IOException) { }
        return;

        int Arg(string name, int fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
        }

        static async Task SignInAsync(HttpClient http, string email)
        {
            var page = new HtmlParser().ParseDocument(await http.GetStringAsync("/account/sign-in"));
            var token = page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
            var response = await http.PostAsync("/account/sign-in",
                new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["Email"] = email, ["Password"] = DemoAccounts.Password, ["__RequestVerificationToken"] = token,
                }));
            if (response.StatusCode != HttpStatusCode.Redirect)
                throw new InvalidOperationException($"sign-in of {email}: {(int)response.StatusCode}");
        }

        static string Field(string html, string name) =>
            Regex.Match(html, $"name=\"{name}\"[^>]*value=\"([^\"]*)\"") is { Success: true } m
                ? WebUtility.HtmlDecode(m.Groups[1].Value)
                : throw new InvalidOperationException($"No {name} on the checkout page.");

        // The selection is the Make a Payment page's job (another feature): arranged in the database before each
        // payment, outside the timing, as the page stores it (one item, the draft's revision moved on). Writing the
        // file from this second process meets SQLite's lock and busy handler when the server is writing; the time it
        // takes is reported.
        static async Task SelectAsync(SqliteConnection db, long draftId, long invoiceId)
        {
            await using var tx = (SqliteTransaction)await db.BeginTransactionAsync();
            await using var cmd = new SqliteCommand("""
                DELETE FROM PaymentDraftItems WHERE PaymentDraftId = $d;
                INSERT INTO PaymentDraftItems (PaymentDraftId, InvoiceId) VALUES ($d, $i);
                UPDATE PaymentDrafts SET Revision = Revision + 1 WHERE Id = $d;
                """, db, tx);
            cmd.Parameters.AddWithValue("$d", draftId);
            cmd.Parameters.AddWithValue("$i", invoiceId);
            await cmd.ExecuteNonQueryAsync();
            await tx.CommitAsync();
        }

        static Process StartServer(string webDll, string folder, Uri url)
        {
            var psi = new ProcessStartInfo("dotnet", $"\"{webDll}\"")
            {
                WorkingDirectory = Path.GetDirectoryName(webDll)!,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            psi.Environment["ASPNETCORE_URLS"] = url.ToString().TrimEnd('/');
            psi.Environment["Database__ConnectionString"] =
                $"Data Source={Path.Combine(folder, "portal.db")};Pooling=True";
            psi.Environment["Payments__Sandbox__DatabasePath"] = Path.Combine(folder, "sandbox.db");
            psi.Environment["Payments__RunBackgroundJobs"] = "false";
            psi.Environment["Serilog__MinimumLevel__Default"] = "Warning";
            psi.Environment["RateLimiting__SignInPermitsPerMinute"] = "100000";
            PortalProcess.AddDemoSettings(psi);
            var p = Process.Start(psi)!;
            p.OutputDataReceived += (_, _) => { };
            p.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is { Length: > 0 }) Console.Error.WriteLine("server: " + e.Data);
            };
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            return p;
        }

        static async Task<(long, long, string[], string[], long[], long[][], Dictionary<long, long>)> ArrangeAsync(
            WebApplicationFactory<Program> app, int clients, int perClient)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var sp = scope.ServiceProvider;
            var db = sp.GetRequiredService<AppDbContext>();
            var users = sp.GetRequiredService<UserManager<PortalUser>>();
            var company = await db.Companies.FirstAsync(c => c.Name == "Rocky Mountain Site Services");
            var customer = new Customer(company.Id, "BENCH-1", "9001", "Bench Builders",
                CustomerPortal.Domain.Companies.Address.Empty, "bench@example.test");
            db.Customers.Add(customer);
            await db.SaveChangesAsync();
            var site = new Site(customer.Id, "BENCH-SITE", "Bench Yard", CustomerPortal.Domain.Companies.Address.Empty);
            db.Sites.Add(site);
            await db.SaveChangesAsync();
            var ids = new long[clients][];
            var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-400);
            for (var c = 0; c < clients; c++)
            {
                var list = new List<Invoice>();
                for (var n = 0; n < perClient; n++)
                {
                    list.Add(new Invoice(customer.Id, site.Id, $"B{c}-{n}", $"B-{c:00}-{n:0000}", day, day.AddDays(30),
                        0, [new InvoiceLine("Weekly service", 1, 10000 + n, 10000 + n)]));
                }
                db.Invoices.AddRange(list);
                await db.SaveChangesAsync();
                ids[c] = list.Select(i => i.Id).ToArray();
            }
            var emails = new string[2 * clients];
            var userIds = new string[2 * clients];
            var drafts = new PaymentDraft[2 * clients];
            for (var c = 0; c < 2 * clients; c++)
            {
                emails[c] = $"bench{c}@example.test";
                var user = new PortalUser
                {
                    UserName = emails[c], Email = emails[c], EmailConfirmed = true, DisplayName = $"Bench {c}",
                    CustomerId = customer.Id,
                };
                var result = await users.CreateAsync(user, DemoAccounts.Password);
                if (!result.Succeeded)
                    throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
                userIds[c] = user.Id;
                db.PaymentDrafts.Add(drafts[c] = new PaymentDraft(user.Id, customer.Id, DateTimeOffset.UtcNow));
            }
            var sandbox = sp.GetRequiredService<SandboxProcessor>();
            var processorCustomer = await sandbox.EnsureCustomerAsync(
                new CustomerPortal.Domain.Payments.Gateway.GatewayCustomer(
                    company.Id, customer.Id, customer.Name, null));
            customer.LinkProcessorCustomer(processorCustomer);
            var token = (await sandbox.TokenizeCardAsync("4242424242424242", 12, DateTime.UtcNow.Year + 3, "123"))
                .Token!;
            var setup = await sandbox.CreateSetupAsync(
                new CustomerPortal.Domain.Payments.Gateway.SetupRequest(processorCustomer));
            await sandbox.ConfirmSetupAsync(
                new CustomerPortal.Domain.Payments.Gateway.ConfirmSetupRequest(setup.SetupId, token));
            var card = SavedPaymentMethod.Card(
                customer.Id, token, "Visa", "4242", 12, DateTime.UtcNow.Year + 3, DateTimeOffset.UtcNow);
            card.MakeDefault(true);
            db.SavedPaymentMethods.Add(card);
            await db.SaveChangesAsync();
            return (customer.Id, card.Id, emails, userIds, drafts.Select(d => d.Id).ToArray(), ids,
                await PaymentInvariants.OfflinePaidAsync(db));
        }

    }
}

internal sealed class BenchFactory(string folder) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseContentRoot(Path.Combine(PortalProcess.FindRoot(), "src", "CustomerPortal.Web"));
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting(
            "Database:ConnectionString", $"Data Source={Path.Combine(folder, "portal.db")};Pooling=True");
        builder.UseSetting("RateLimiting:SignInPermitsPerMinute", "100000");
        builder.UseSetting("Payments:Sandbox:DatabasePath", Path.Combine(folder, "sandbox.db"));
        builder.UseSetting("Payments:RunBackgroundJobs", "false");
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        foreach (var (key, value) in PortalProcess.DemoSettings) builder.UseSetting(key, value);
        if (Environment.GetEnvironmentVariable("BENCH_SQL") == "1")
        {
            builder.UseSetting(
                "Serilog:MinimumLevel:Override:Microsoft.EntityFrameworkCore.Database.Command", "Information");
        }
    }
}
