using System.Net;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Tests.Infrastructure;
using CustomerPortal.Web.Tests.Payments;
using CustomerPortal.Web.Tests.Staff;

namespace CustomerPortal.Web.Tests.Rules;

/// <summary>
/// Crawls every page each kind of visitor can reach by following the portal's own links — anonymous, a Pro-plan
/// customer with a payment in history, a Standard-plan customer, a support agent and the agent viewing as the
/// customer — and fails on a page that leaks code or framework text (a Razor expression printed instead of its
/// value, a type name, a stack trace) or on a link of ours that answers an error.
/// </summary>
public sealed class EveryPageCrawlTests : IAsyncLifetime
{
    private PayKit _kit = null!;

    /// <summary>What only code, never a page meant for a customer, contains.</summary>
    private static readonly string[] Leaks =
    [
        ".ToString(", "System.", "Microsoft.", "@Model", "@(", "@{", "@if", "@foreach", "@await", "@Html",
        "Exception", " at CustomerPortal.", "   at ", "&lt;/", "NullReference",
    ];

    /// <summary>At most this many variants (query strings) of one path: pagination and sorting repeat a page.</summary>
    private const int VariantsPerPath = 3;

    private const int MaxPagesPerVisitor = 200;

    public async Task InitializeAsync()
    {
        _kit = await PayKit.StartAsync();
        // A payment, so that history, the payment page and the receipt have something to show.
        var invoices = await _kit.OpenInvoicesAsync(2);
        await _kit.SelectAsync(invoices.Select(i => i.Id));
        PayKit.PaymentIdFrom(await _kit.PayAsync("new-" + await _kit.CardTokenAsync(PayKit.Visa)));
    }

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    [Fact]
    public async Task NoPageShowsCodeOrFrameworkTextAndNoLinkOfOursAnswersAnError()
    {
        var factory = _kit.Factory;
        var agent = await PortalClient.SignedInAsync(factory, DemoAccounts.Staff);
        var viewAs = await PortalClient.SignedInAsync(factory, DemoAccounts.Staff);
        var summit = await factory.CustomerIdAsync("1001");
        Assert.Equal(HttpStatusCode.Redirect, (await StaffSteps.StartViewAsAsync(viewAs, summit)).StatusCode);

        var visitors = new (string Who, PortalClient Client, string[] Start)[]
        {
            ("anonymous", PortalClient.For(factory), ["/", "/account/sign-in"]),
            ("Pro-plan customer", _kit.Client, ["/", "/pay", "/pay/history"]),
            ("Standard-plan customer", await PortalClient.SignedInAsync(factory, DemoAccounts.StandardCustomer),
                ["/", "/pay"]),
            ("agent", agent, ["/", "/staff/customers", "/staff/audit"]),
            ("agent viewing as the customer", viewAs, ["/", "/pay", "/pay/history"]),
        };

        var problems = new List<string>();
        var crawled = new Dictionary<string, List<string>>();
        foreach (var (who, client, start) in visitors)
        {
            crawled[who] = await CrawlAsync(client, start, (url, problem) => problems.Add($"{who}: {url}: {problem}"));
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        // The crawl reached the pages each visitor has, not only the start pages: the payment from a history link.
        Assert.Contains(crawled["Pro-plan customer"], p => p.StartsWith("/pay/payments/", StringComparison.Ordinal));
        Assert.Contains(crawled["agent viewing as the customer"],
            p => p.StartsWith("/pay/payments/", StringComparison.Ordinal));
        Assert.Contains("/staff/customers", crawled["agent"]);
    }

    /// <summary>Follows the links of each page (same origin, GET) from <paramref name="start"/>; returns the HTML
    /// pages it read.</summary>
    private static async Task<List<string>> CrawlAsync(
        PortalClient client, string[] start, Action<string, string> problem)
    {
        var queue = new Queue<(string Url, string From)>(start.Select(s => (s, "start")));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var variants = new Dictionary<string, int>(StringComparer.Ordinal);
        var pages = new List<string>();
        while (queue.Count > 0 && pages.Count < MaxPagesPerVisitor)
        {
            var (url, from) = queue.Dequeue();
            if (!seen.Add(url)) continue;
            var path = url.Split('?', '#')[0];
            variants[path] = variants.GetValueOrDefault(path) + 1;
            if (variants[path] > VariantsPerPath) continue;

            var response = await client.GetAsync(url);
            var status = (int)response.StatusCode;
            if (status is 301 or 302 or 303 or 307 or 308)
            {
                if (response.Headers.Location is { } to && Local(to.ToString()) is { } next) queue.Enqueue((next, url));
                continue;
            }
            if (status >= 400)
            {
                problem(url, $"answers {status} (linked from {from})");
                continue;
            }
            var type = response.Content.Headers.ContentType?.MediaType ?? "";
            if (type != "text/html") continue; // PDFs and downloads: their own tests read them
            pages.Add(url);
            var html = await response.Content.ReadAsStringAsync();
            foreach (var leak in Leaks.Where(l => html.Contains(l, StringComparison.Ordinal)))
            {
                var at = html.IndexOf(leak, StringComparison.Ordinal);
                var around = html[Math.Max(0, at - 60)..Math.Min(html.Length, at + 60)].ReplaceLineEndings(" ");
                problem(url, $"shows \"{leak}\": …{around}…");
            }
            var page = PortalClient.Parse(html);
            foreach (var link in page.QuerySelectorAll("a[href]"))
            {
                if (Local(link.GetAttribute("href")!) is { } next && !seen.Contains(next)) queue.Enqueue((next, url));
            }
        }
        return pages;
    }

    /// <summary>A link of this portal worth following (not signing out, not another site), without its
    /// fragment.</summary>
    private static string? Local(string href)
    {
        href = href.Split('#')[0];
        if (href.StartsWith("http://localhost", StringComparison.OrdinalIgnoreCase))
            href = new Uri(href).PathAndQuery;
        if (!href.StartsWith('/') || href.StartsWith("//", StringComparison.Ordinal)) return null;
        if (href.StartsWith("/account/sign-out", StringComparison.Ordinal)) return null;
        return href;
    }
}
