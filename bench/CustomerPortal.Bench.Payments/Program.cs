// End-to-end card payments against the real app on 127.0.0.1 (Kestrel, SQLite file, sandbox processor):
// N clients, each its own signed-in contact of one customer, each pays one invoice per request through
// GET /pay/checkout + POST /pay/checkout with a saved card. Prints throughput, p50, p99, then checks the invariants.
// --warmup-seconds (default 20): payments made in the first seconds are real (they count for the invariants) but not for
// the figures: on 2 shared cores the tiered JIT needs that long under load to reach optimised code. Throughput and
// latency are measured over the payments that start after the warm-up, until --seconds more have passed.
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;
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

        await using var app = new BenchFactory(folder);
        app.UseKestrel(0);
        app.StartServer();
        var baseUrl = app.ClientOptions.BaseAddress;
        Console.WriteLine($"Portal on {baseUrl} · SQLite {folder}/portal.db · {clients} clients · {payments} measured payments max · {warmupSeconds} s warm-up · {seconds} s max");

        // Arrange: one customer with enough open invoices, one contact per client, one saved card.
        // Enough invoices for the warm-up as well (about 150 payments/s at most on this kind of machine).
        var perClient = (payments + warmupSeconds * 150 + clients - 1) / clients;
        var (customerId, cardId, emails, invoiceIds, offline) = await ArrangeAsync(app, clients, perClient);
        var sandboxPath = Path.Combine(folder, "sandbox.db");

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
            using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() };
            using var http = new HttpClient(handler) { BaseAddress = baseUrl };
            await SignInAsync(http, emails[c]);
            var userId = await UserIdAsync(app, emails[c]);
            for (var n = 0; n < perClient; n++)
            {
                var measuring = clock.Elapsed.TotalSeconds >= warmupSeconds;
                if (measuring)
                {
                    if (Interlocked.Exchange(ref warmedUp, 1) == 0) { measuredStart = clock.Elapsed; deadline.Start(); }
                    if (deadline.Elapsed.TotalSeconds >= seconds || Interlocked.Increment(ref done) > payments) break;
                }
                await SelectAsync(app, userId, customerId, invoiceIds[c][n]);
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
                if (response.StatusCode != HttpStatusCode.Redirect || !response.Headers.Location!.ToString().StartsWith("/pay/payments/", StringComparison.Ordinal))
                    Interlocked.Increment(ref failures);
                if (measuring) latencies[c].Add(sw.Elapsed.TotalMilliseconds);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var elapsed = deadline.Elapsed.TotalSeconds;
        Console.WriteLine($"warm-up: {warmupSeconds} s (those payments are checked below, not counted in the figures); measured from {measuredStart.TotalSeconds:F1} s");

        var all = latencies.SelectMany(l => l).Order().ToArray();
        double P(double q) => all[Math.Min(all.Length - 1, (int)Math.Ceiling(q * all.Length) - 1)];
        Console.WriteLine($"payments: {all.Length} in {elapsed:F1} s → {all.Length / elapsed:F0} payments/s (checkout GET + Pay POST each)");
        Console.WriteLine($"latency of one payment (GET checkout + POST pay): p50 {P(0.50):F1} ms · p99 {P(0.99):F1} ms · max {all[^1]:F1} ms");
        Console.WriteLine($"refused or failed requests: {failures}");

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var charges = await scope.ServiceProvider.GetRequiredService<SandboxProcessor>().ListChargesAsync();
            var problems = await PaymentInvariants.CheckAsync(db, offline, charges, settled: true);
            var succeeded = await db.Payments.CountAsync(p => p.Status == PaymentStatus.Succeeded);
            Console.WriteLine($"payment rows: {await db.Payments.CountAsync()} · succeeded: {succeeded} · processor charges: {charges.Count}");
            Console.WriteLine(problems.Count == 0 ? "invariants: all hold, nothing lost" : "INVARIANTS BROKEN:\n" + string.Join("\n", problems.Take(20)));
            Environment.ExitCode = problems.Count == 0 && failures == 0 && succeeded == all.Length ? 0 : 1;
        }
        _ = sandboxPath;
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
            var response = await http.PostAsync("/account/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Email"] = email, ["Password"] = DemoAccounts.Password, ["__RequestVerificationToken"] = token,
            }));
            if (response.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"sign-in of {email}: {(int)response.StatusCode}");
        }

        static string Field(string html, string name) =>
            Regex.Match(html, $"name=\"{name}\"[^>]*value=\"([^\"]*)\"") is { Success: true } m
                ? WebUtility.HtmlDecode(m.Groups[1].Value)
                : throw new InvalidOperationException($"No {name} on the checkout page.");

        static async Task<string> UserIdAsync(WebApplicationFactory<Program> app, string email)
        {
            await using var scope = app.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
        }

        // The selection is the Make a Payment page's job (another feature): arrange it in the database, outside the timing.
        static async Task SelectAsync(WebApplicationFactory<Program> app, string userId, long customerId, long invoiceId)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var draft = await db.PaymentDrafts.SingleOrDefaultAsync(d => d.UserId == userId && d.CustomerId == customerId);
            if (draft is null)
            {
                db.PaymentDrafts.Add(draft = new PaymentDraft(userId, customerId, DateTimeOffset.UtcNow));
                draft.ReplaceInvoices([invoiceId], DateTimeOffset.UtcNow);
                await db.SaveChangesAsync();
                return;
            }
            await using var tx = await db.Database.BeginTransactionAsync();
            await db.PaymentDraftItems.Where(i => i.PaymentDraftId == draft.Id).ExecuteDeleteAsync();
            await db.Database.ExecuteSqlInterpolatedAsync($"INSERT INTO PaymentDraftItems (PaymentDraftId, InvoiceId) VALUES ({draft.Id}, {invoiceId})");
            await db.PaymentDrafts.Where(d => d.Id == draft.Id).ExecuteUpdateAsync(u => u.SetProperty(d => d.Revision, d => d.Revision + 1));
            await tx.CommitAsync();
        }

        static async Task<(long, long, string[], long[][], Dictionary<long, long>)> ArrangeAsync(WebApplicationFactory<Program> app, int clients, int perClient)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var sp = scope.ServiceProvider;
            var db = sp.GetRequiredService<AppDbContext>();
            var users = sp.GetRequiredService<UserManager<PortalUser>>();
            var company = await db.Companies.FirstAsync(c => c.Name == "Rocky Mountain Site Services");
            var customer = new Customer(company.Id, "BENCH-1", "9001", "Bench Builders", CustomerPortal.Domain.Companies.Address.Empty, "bench@example.test");
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
                    list.Add(new Invoice(customer.Id, site.Id, $"B{c}-{n}", $"B-{c:00}-{n:0000}", day, day.AddDays(30), 0, [new InvoiceLine("Weekly service", 1, 10000 + n, 10000 + n)]));
                db.Invoices.AddRange(list);
                await db.SaveChangesAsync();
                ids[c] = list.Select(i => i.Id).ToArray();
            }
            var emails = new string[clients];
            for (var c = 0; c < clients; c++)
            {
                emails[c] = $"bench{c}@example.test";
                var result = await users.CreateAsync(new PortalUser { UserName = emails[c], Email = emails[c], EmailConfirmed = true, DisplayName = $"Bench {c}", CustomerId = customer.Id }, DemoAccounts.Password);
                if (!result.Succeeded) throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
            }
            var sandbox = sp.GetRequiredService<SandboxProcessor>();
            var processorCustomer = await sandbox.EnsureCustomerAsync(new CustomerPortal.Domain.Payments.Gateway.GatewayCustomer(company.Id, customer.Id, customer.Name, null));
            customer.LinkProcessorCustomer(processorCustomer);
            var token = (await sandbox.TokenizeCardAsync("4242424242424242", 12, DateTime.UtcNow.Year + 3, "123")).Token!;
            var setup = await sandbox.CreateSetupAsync(new CustomerPortal.Domain.Payments.Gateway.SetupRequest(processorCustomer));
            await sandbox.ConfirmSetupAsync(new CustomerPortal.Domain.Payments.Gateway.ConfirmSetupRequest(setup.SetupId, token));
            var card = SavedPaymentMethod.Card(customer.Id, token, "Visa", "4242", 12, DateTime.UtcNow.Year + 3, DateTimeOffset.UtcNow);
            card.MakeDefault(true);
            db.SavedPaymentMethods.Add(card);
            await db.SaveChangesAsync();
            return (customer.Id, card.Id, emails, ids, await PaymentInvariants.OfflinePaidAsync(db));
        }

    }
}

internal sealed class BenchFactory(string folder) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "CustomerPortal.sln"))) root = root.Parent;
        builder.UseContentRoot(Path.Combine(root?.FullName ?? ".", "src", "CustomerPortal.Web"));
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("Database:ConnectionString", $"Data Source={Path.Combine(folder, "portal.db")};Pooling=True");
        builder.UseSetting("DataProtection:KeysPath", Path.Combine(folder, "keys"));
        builder.UseSetting("RateLimiting:SignInPermitsPerMinute", "100000");
        builder.UseSetting("Payments:Sandbox:DatabasePath", Path.Combine(folder, "sandbox.db"));
        builder.UseSetting("Payments:RunBackgroundJobs", "false");
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        if (Environment.GetEnvironmentVariable("BENCH_SQL") == "1") builder.UseSetting("Serilog:MinimumLevel:Override:Microsoft.EntityFrameworkCore.Database.Command", "Information");
        builder.UseSetting("urls", "http://127.0.0.1:0");
    }
}
