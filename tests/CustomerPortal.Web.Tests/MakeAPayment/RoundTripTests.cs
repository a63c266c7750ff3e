using CustomerPortal.Domain.Invoices;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerPortal.Web.Tests.MakeAPayment;

/// <summary>
/// One page render or action costs the same number of database queries for a customer with 6 open invoices as for one
/// with hundreds: no query per row, no query per parent. (Saving a selection writes one row per invoice added or
/// removed, at most 200, in one transaction; EF batches them on SQL Server. SQLite runs them in-process.)
/// </summary>
public sealed class RoundTripTests : IDisposable
{
    private readonly CommandCounter _commands = new();
    private readonly OpenCounter _opens = new();
    private readonly PortalFactory _factory;

    public RoundTripTests() => _factory = new PortalFactory().WithDbInterceptors(_commands, _opens);

    public void Dispose() => _factory.Dispose();

    private async Task<int> CountAsync(Func<Task> request)
    {
        _commands.Reset();
        await request();
        return _commands.Queries;
    }

    /// <summary>
    /// The round trips of each step for one customer: GET, toggle (whole answer, then rows only), select page, select
    /// all, GET with a selection, custom amount.
    /// </summary>
    private async Task<int[]> SingleSiteAndCustomStepsAsync(string email)
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, email);
        var page = await pay.PageAsync("?size=100");
        var ids = page.QuerySelectorAll("input[name=invoiceId]").Select(i => i.GetAttribute("value")!).Take(5).ToList();
        var counts = new List<int>
        {
            await CountAsync(() => pay.Client.GetAsync("/pay?size=100")),
            await CountAsync(() => pay.Client.Http.SendAsync(
                Fragment("/pay/selection/invoice", page, [new("invoiceId", ids[0]), new("check", "true")]))),
        };
        // A toggle from the page's version: answered with the changed row only.
        var version = await pay.VersionAsync();
        counts.Add(await CountAsync(() => pay.Client.Http.SendAsync(
            Fragment("/pay/selection/invoice", page, [new("invoiceId", ids[1]), new("check", "true")], version))));
        counts.AddRange(
        [
            await CountAsync(() => pay.Client.Http.SendAsync(
                Fragment("/pay/selection/page", page, ids.Select(id => new KeyValuePair<string, string>("ids", id))))),
            await CountAsync(() => pay.Client.Http.SendAsync(Fragment("/pay/selection/all", page, []))),
            await CountAsync(() => pay.Client.GetAsync("/pay?size=100")),
        ]);
        await pay.ChooseAsync("custom");
        counts.Add(await CountAsync(
            () => pay.Client.Http.SendAsync(Fragment("/pay/amount", page, [new("amount", "150.00")]))));
        counts.Add(await CountAsync(() => pay.Client.GetAsync("/pay?size=100")));
        return counts.ToArray();
    }

    private static HttpRequestMessage Fragment(string action, AngleSharp.Html.Dom.IHtmlDocument page,
        IEnumerable<KeyValuePair<string, string>> fields, string? version = null)
    {
        var all = fields.Append(new("__RequestVerificationToken", PortalClient.AntiforgeryToken(page))).ToList();
        var request = new HttpRequestMessage(HttpMethod.Post, action) { Content = new FormUrlEncodedContent(all) };
        request.Headers.Add("X-Fragment", "1");
        if (version is not null) request.Headers.Add("X-Page-Version", version);
        return request;
    }

    /// <summary>
    /// CustomerContext keeps the connection open for the request; EF would otherwise open one around every query.
    /// </summary>
    [Fact]
    public async Task APageAndAnActionEachOpenTheDatabaseConnectionOnce()
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        var page = await pay.PageAsync("");
        var id = page.QuerySelectorAll("input[name=invoiceId]").Select(i => i.GetAttribute("value")!).First();

        _opens.Reset();
        _commands.Reset();
        (await pay.Client.GetAsync("/pay")).EnsureSuccessStatusCode();
        Assert.Equal(1, _opens.Opens);
        // several statements (the table's page may be kept), one connection
        Assert.True(_commands.Count >= 3, $"{_commands.Count} commands");

        _opens.Reset();
        _commands.Reset();
        (await pay.Client.Http.SendAsync(Fragment("/pay/selection/invoice",
            page, [new("invoiceId", id), new("check", "true")]))).EnsureSuccessStatusCode();
        Assert.Equal(1, _opens.Opens);
        Assert.True(_commands.Count >= 5, $"{_commands.Count} commands"); // reads, then the write
    }

    [Fact]
    public async Task ACustomerWithHundredsOfInvoicesCostsTheSameRoundTripsAsOneWithSix()
    {
        var few = await SingleSiteAndCustomStepsAsync(DemoAccounts.SecondCustomer);     // 6 open invoices
        var many = await SingleSiteAndCustomStepsAsync(DemoAccounts.ProCustomer);       // 240 single-site + 50 children

        Assert.Equal(few, many);
        Assert.All(many, n => Assert.InRange(n, 1, 10));
    }

    [Fact]
    public async Task TheMultiSiteTableCostsTheSameRoundTripsWithFortyMoreParentsOfTenChildren()
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        await pay.ChooseAsync("multi");
        var firstParent = (await pay.PageAsync()).QuerySelector("input[name=parentId]")!.GetAttribute("value")!;
        await pay.PostFragmentAsync("/pay/selection/parent", new() { ["parentId"] = firstParent, ["check"] = "true" });
        var before = await CountAsync(() => pay.Client.GetAsync("/pay?size=100&open=" + firstParent));

        await AddParentsAsync(parents: 40, childrenEach: 10);
        var after = await CountAsync(() => pay.Client.GetAsync("/pay?size=100&open=" + firstParent));
        var page = await pay.PageAsync("?size=100");

        Assert.Equal(45, page.QuerySelectorAll("tr.parent-row").Length);
        Assert.Equal(before, after);
    }

    private Task<int> AddParentsAsync(int parents, int childrenEach) => _factory.WithDbAsync(async db =>
    {
        var summit = await db.Customers.SingleAsync(c => c.AccountNumber == "1001");
        var site = await db.Sites.FirstAsync(s => s.CustomerId == summit.Id);
        var date = new DateOnly(2026, 6, 1);
        var added = Enumerable.Range(0, parents)
            .Select(p => new MultiSiteInvoice(summit.Id, $"RT-MS-{p}", $"RT-MS-{p}", date, date.AddDays(30))).ToList();
        db.MultiSiteInvoices.AddRange(added);
        await db.SaveChangesAsync();
        var children = new List<(MultiSiteInvoice Parent, Invoice Child)>();
        foreach (var parent in added)
        {
            for (var c = 0; c < childrenEach; c++)
            {
                var child = new Invoice(
                    summit.Id, site.Id, $"RT-{parent.Number}-{c}", $"RT-{parent.Number}-{c}", date, date.AddDays(30), 0,
                    [new InvoiceLine("Weekly service", 1, 100_00, 100_00)]);
                db.Invoices.Add(child);
                children.Add((parent, child));
            }
        }
        await db.SaveChangesAsync();
        foreach (var (parent, child) in children) parent.Adopt(child);
        return await db.SaveChangesAsync();
    });
}
