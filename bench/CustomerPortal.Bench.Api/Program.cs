// Benchmark: one batch upsert of 1,000 new invoices through the back-office API, over a fresh SQLite file.
// Run: dotnet run -c Release --project bench/CustomerPortal.Bench.Api [-- rounds]
// Starts the real app (WebApplicationFactory, in-memory transport), seeds the demo data, creates an API key, then posts
// one batch of 1,000 invoices (2 lines each, new ids every round) per round and reports each round and the median.
using System.Diagnostics;
using System.Net.Http.Json;
using CustomerPortal.Infrastructure.ApiKeys;
using CustomerPortal.Infrastructure.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

/// <summary>Times the back-office batch upsert of 1,000 invoices (docs/benchmarks.md, "Back-office API").</summary>
internal static class BatchUpsertBenchmark
{
    public static async Task Main(string[] args)
    {
        // The app's content root, found from the solution folder (the test SDK's own lookup expects a test project).
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "CustomerPortal.sln")))
        {
            root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar))
                ?? throw new InvalidOperationException("Run from inside the repository.");
        }
        Environment.SetEnvironmentVariable(
            "ASPNETCORE_TEST_CONTENTROOT_CUSTOMERPORTAL_WEB", Path.Combine(root, "src", "CustomerPortal.Web"));
        var rounds = args.Length > 0 && int.TryParse(args[0], out var r) ? r : 5;
        var folder = Path.Combine(Path.GetTempPath(), "cp-bench-api", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            await using var factory = new BenchFactory(folder);
            long companyId;
            string key;
            await using (var scope = factory.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                companyId = await db.Companies.OrderBy(c => c.Id).Select(c => c.Id).FirstAsync();
                key = (await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(companyId)).Key;
            }
            using var client = factory.CreateClient();
            client.DefaultRequestHeaders.Add("X-Api-Key", key);

            // Warm-up: JIT, EF model, connection pool (not counted).
            await PostAsync(client, "warm", 10);

            var times = new List<double>();
            for (var round = 1; round <= rounds; round++)
            {
                var watch = Stopwatch.StartNew();
                await PostAsync(client, $"r{round}", 1000);
                watch.Stop();
                times.Add(watch.Elapsed.TotalMilliseconds);
                Console.WriteLine($"round {round}: 1,000 invoices in {watch.Elapsed.TotalMilliseconds:N0} ms");
            }
            var sorted = times.Order().ToList();
            Console.WriteLine(
                $"median of {rounds}: {sorted[sorted.Count / 2]:N0} ms (min {sorted[0]:N0}, max {sorted[^1]:N0})");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task PostAsync(HttpClient client, string tag, int count)
    {
        var invoices = Enumerable.Range(0, count).Select(i => new
        {
            id = $"BENCH-{tag}-{i}",
            customerId = "CUST-1001",
            number = $"B-{tag}-{i}",
            invoiceDate = "2026-11-01",
            dueDate = "2026-12-01",
            lines = new object[]
            {
                new
                {
                    description = "Portable restroom – weekly service", quantity = 3, unitPriceCents = 8500,
                    amountCents = 25500,
                },
                new { description = "Hand-wash station", quantity = 1, unitPriceCents = 4500, amountCents = 4500 },
            },
            taxCents = 870,
            totalCents = 30870,
        }).ToList();
        var response = await client.PostAsJsonAsync("/api/v1/invoices/batch", new { invoices });
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(
                $"Batch answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}

internal sealed class BenchFactory(string folder) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("Database:ConnectionString", $"Data Source={Path.Combine(folder, "bench.db")};Pooling=True");
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        // Production over the demo data and the sandbox: both must be asked for by name outside Development.
        builder.UseSetting("Database:SeedDemoData", "true");
        builder.UseSetting("Database:AllowDemoData", "true");
        builder.UseSetting("Payments:AllowSandbox", "true");
    }
}
