using System.Net;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerPortal.Web.Tests.Foundation;

public sealed class PlatformTests(SharedPortal portal) : IClassFixture<SharedPortal>
{
    [Theory]
    [InlineData("/account/sign-in")]
    [InlineData("/health/live")]
    public async Task EveryResponseCarriesTheSecurityHeaders(string url)
    {
        var response = await PortalClient.For(portal.Factory).GetAsync(url);

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.True(response.Headers.Contains("X-Correlation-ID"));
    }

    [Fact]
    public async Task OnlyStaticFilesMayBeKeptByACache()
    {
        var client = PortalClient.For(portal.Factory);

        var stylesheet = await client.GetAsync("/css/site.css");
        var api = await client.GetAsync("/api/v1/customers/CUST-1001");

        Assert.Equal(HttpStatusCode.OK, stylesheet.StatusCode);
        Assert.NotEqual(true, stylesheet.Headers.CacheControl?.NoStore);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        var cache = api.Headers.CacheControl;
        Assert.True(cache is { Private: true, NoStore: true }, $"Cache-Control: {cache}");
    }

    [Fact]
    public async Task PagesHaveNoInlineScript()
    {
        var page = await PortalClient.For(portal.Factory).GetDocumentAsync("/account/sign-in");

        Assert.All(page.Scripts, s => Assert.False(string.IsNullOrEmpty(s.Source), "inline <script> found"));
        Assert.Empty(page.QuerySelectorAll("[onclick],[onchange],[onload],[style]"));
    }

    [Theory]
    [InlineData("/favicon.ico", "image/x-icon")]
    [InlineData("/favicon.svg", "image/svg+xml")]
    public async Task TheIconBrowsersAskForIsServed(string url, string type)
    {
        var response = await PortalClient.For(portal.Factory).GetAsync(url);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        var page = await PortalClient.For(portal.Factory).GetDocumentAsync("/account/sign-in");
        Assert.NotNull(page.QuerySelector("link[rel=icon][href^='/favicon.svg']"));
    }

    [Fact]
    public async Task HealthEndpointsAnswerWithoutSignIn()
    {
        var client = PortalClient.For(portal.Factory);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheDatabaseIsMigratedAndHoldsTheDemo()
    {
        await using var scope = portal.Factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.NotEmpty(await db.Database.GetAppliedMigrationsAsync());
        var summit = await db.Customers.SingleAsync(c => c.Name == "Summit Builders LLC");
        var singleSiteOpen = await db.Invoices.CountAsync(i =>
            i.CustomerId == summit.Id && i.MultiSiteInvoiceId == null && i.BalanceCents > 0);
        Assert.True(singleSiteOpen > 200, $"only {singleSiteOpen} open single-site invoices");
        var parentIds = await db.Invoices
            .Where(i => i.MultiSiteInvoiceId != null).Select(i => i.MultiSiteInvoiceId).ToListAsync();
        var largestParent = parentIds.GroupBy(id => id).Max(g => g.Count());
        Assert.True(largestParent >= 30);
        Assert.True(await db.Invoices.AnyAsync(i => i.CustomerId == summit.Id && i.PaidCents > 0 && i.BalanceCents > 0),
            "no partly paid invoice");
        Assert.Contains(await db.Companies.Select(c => c.Plan).ToListAsync(),
            p => p == CustomerPortal.Domain.Companies.Plan.Standard);
    }

    [Fact]
    public async Task SeedingASecondTimeAddsNothing()
    {
        await using var scope = portal.Factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var before = await db.Invoices.CountAsync();

        var seededAgain = await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>().SeedAsync();

        Assert.False(seededAgain);
        Assert.Equal(before, await db.Invoices.CountAsync());
        Assert.Equal(2, await db.Companies.CountAsync());
    }

    [Fact]
    public async Task MigrationsApplyToAnEmptyDatabaseFile()
    {
        var file = Path.Combine(portal.Factory.DataFolder, "empty-" + Guid.NewGuid().ToString("N") + ".db");
        var options = new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite($"Data Source={file}").Options;
        await using (var db = new SqliteAppDbContext(options))
        {
            await db.Database.MigrateAsync();
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.Equal(0, await db.Invoices.CountAsync());
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task AContactNeverSeesAnotherCustomersName()
    {
        var client = await PortalClient.SignedInAsync(portal.Factory, DemoAccounts.SecondCustomer);

        var html = await (await client.GetDocumentFollowingAsync("/")).Body!.OuterHtml.AsTask();

        Assert.Contains("Alpine Events Co.", html);
        Assert.DoesNotContain("Summit Builders", html);
        Assert.DoesNotContain("Prairie Farms", html);
    }
}

internal static class TaskExtensions
{
    public static Task<T> AsTask<T>(this T value) => Task.FromResult(value);
}
