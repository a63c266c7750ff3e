using System.Net;
using CustomerPortal.Domain.Allocation;
using CustomerPortal.Domain.Invoices;
using CustomerPortal.Domain.Selection;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Infrastructure.Drafts;
using CustomerPortal.Infrastructure.Payments.Sandbox;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Features.PaymentMethods;
using CustomerPortal.Web.Features.Payments;
using CustomerPortal.Web.Shared;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerPortal.Web.Tests.Infrastructure;

/// <summary>A seeded portal, the Pro customer signed in, and the helpers payment tests share.</summary>
public sealed class PayKit : IAsyncDisposable
{
    public const string Visa = "4242424242424242";
    public const string Declined = "4000000000000002";
    public const string NoFunds = "4000000000009995";
    public const string ThreeDs = "4000002500003155";
    public const string ExpiredCard = "4000000000000069";
    public const string AchOk = "000123456789";
    public const string AchR01 = "000111111116";
    public const string AchR02 = "000111111113";
    public static readonly string[] SecretNumbers = [Visa,
        Declined, NoFunds, ThreeDs, ExpiredCard, AchOk, AchR01, AchR02];

    private PayKit(PortalFactory factory) => Factory = factory;

    public PortalFactory Factory { get; }
    public PortalClient Client { get; private set; } = null!;
    public long CustomerId { get; private set; }
    public long CompanyId { get; private set; }
    public string UserId { get; private set; } = "";
    public Dictionary<long, long> OfflinePaid { get; private set; } = [];

    public static async Task<PayKit> StartAsync(Action<PortalFactory>? configure = null)
    {
        var factory = new PortalFactory();
        configure?.Invoke(factory);
        var kit = new PayKit(factory);
        kit.Client = await PortalClient.SignedInAsync(factory, DemoAccounts.ProCustomer);
        await factory.WithDbAsync(async db =>
        {
            var user = await db.Users.SingleAsync(u => u.Email == DemoAccounts.ProCustomer);
            kit.UserId = user.Id;
            kit.CustomerId = user.CustomerId!.Value;
            kit.CompanyId = await db.Customers
                .Where(c => c.Id == kit.CustomerId).Select(c => c.CompanyId).SingleAsync();
            kit.OfflinePaid = await PaymentInvariants.OfflinePaidAsync(db);
            return 0;
        });
        return kit;
    }

    public SandboxProcessor Sandbox => Factory.Services.GetRequiredService<SandboxProcessor>();

    /// <summary>
    /// The oldest open single-site invoices with nothing pending (oldest first, the order payments apply in), skipping
    /// <paramref name="skip"/>.
    /// </summary>
    public Task<List<Invoice>> OpenInvoicesAsync(int count, int skip = 0) => Factory.WithDbAsync(db =>
        db.Invoices.AsNoTracking()
            .Where(i => i.CustomerId == CustomerId && i.MultiSiteInvoiceId == null && !i.IsVoid
                && i.PendingCents == 0 && i.BalanceCents > 0)
            .OrderOldestFirst()
            .Skip(skip).Take(count).ToListAsync());

    /// <summary>Stores a selection of single-site invoices as the page would (through the app's draft store).</summary>
    public Task SelectAsync(IEnumerable<long> invoiceIds, string? userId = null, long? customerId = null) =>
        ChangeDraftAsync(userId ?? UserId, customerId ?? CustomerId, (draft, now) =>
        {
            draft.Choose(PaymentChoice.SingleSite, now);
            draft.ReplaceInvoices(invoiceIds, now);
        });

    public Task SetCustomAmountAsync(long cents) => ChangeDraftAsync(UserId, CustomerId, (draft, now) =>
    {
        draft.Choose(PaymentChoice.CustomAmount, now);
        draft.SetCustomAmount(cents, now);
    });

    private async Task ChangeDraftAsync(string userId, long customerId, Action<PaymentDraft, DateTimeOffset> change)
    {
        await using var scope = Factory.Scope();
        var drafts = scope.ServiceProvider.GetRequiredService<DraftStore>();
        var now = Factory.Clock.GetUtcNow();
        var owner = DraftOwner.Contact(userId, customerId);
        var stored = await drafts.ReadAsync(owner, DraftRead.ToChange, CancellationToken.None);
        var draft = stored?.ToDraft() ?? new PaymentDraft(userId, customerId, now);
        change(draft, now);
        await drafts.SaveAsync(draft, stored?.Selected ?? new HashSet<long>(), CancellationToken.None);
    }

    /// <summary>
    /// Enters a card in the sandbox's own form (as the browser would), which hands the token to the portal for the
    /// signed-in contact and sends the browser back without it; returns the token, read from the portal's record.
    /// </summary>
    public async Task<string> CardTokenAsync(
        string number, int month = 12, int year = 2030, string cvc = "123", PortalClient? client = null)
    {
        client ??= Client;
        var page = await client.GetDocumentAsync("/sandbox/elements/card?return_url=%2Fpay%2Fcheckout");
        var response = await client.PostFormAsync(page, "/sandbox/elements/card", new()
        {
            ["number"] = number, ["expMonth"] = month.ToString(), ["expYear"] = year.ToString(), ["cvc"] = cvc,
            ["return_url"] = "/pay/checkout",
        });
        return await EnteredTokenAsync(response);
    }

    public async Task<string> BankTokenAsync(string account, string routing = SandboxInstruments.TestRoutingNumber)
    {
        var page = await Client.GetDocumentAsync("/sandbox/elements/bank?return_url=%2Fpay%2Fcheckout");
        var response = await Client.PostFormAsync(page, "/sandbox/elements/bank", new()
        {
            ["routing"] = routing, ["account"] = account, ["accountType"] = "checking",
            ["return_url"] = "/pay/checkout",
        });
        return await EnteredTokenAsync(response);
    }

    private Task<string> EnteredTokenAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/pay/checkout", response.Headers.Location!.ToString());
        return Factory.WithDbAsync(db =>
            db.EnteredPaymentTokens.OrderByDescending(t => t.Id).Select(t => t.Token).FirstAsync());
    }

    /// <summary>
    /// A card entered by the contact of <paramref name="access"/> (another contact of the customer, say): made by the
    /// sandbox and handed over to the portal in that contact's name, as the sandbox's form does.
    /// </summary>
    public async Task<string> CardEnteredByAsync(CustomerAccess access, string number = Visa)
    {
        var token = (await Sandbox.TokenizeCardAsync(number, 12, 2030, "123")).Token!;
        await using var scope = Factory.Scope();
        var tokens = scope.ServiceProvider.GetRequiredService<EnteredPaymentTokens>();
        Assert.NotNull(await tokens.HandOverAsync(access, token, CancellationToken.None));
        return token;
    }

    /// <summary>
    /// Opens the checkout page and presses Pay with <paramref name="method"/> ("saved-1", "new-spm_…").
    /// </summary>
    public async Task<HttpResponseMessage> PayAsync(
        string method, bool save = false, bool achAuthorized = false, PortalClient? client = null,
        Dictionary<string, string>? overrides = null)
    {
        client ??= Client;
        var page = await client.GetDocumentAsync("/pay/checkout");
        var fields = new Dictionary<string, string>
        {
            ["Method"] = method,
            ["DraftRevision"] = page.QuerySelector("input[name=DraftRevision]")!.GetAttribute("value")!,
            ["ExpectedAmountCents"] = page.QuerySelector("input[name=ExpectedAmountCents]")!.GetAttribute("value")!,
        };
        if (save) fields["SaveMethod"] = "true";
        if (achAuthorized) fields["AchAuthorized"] = "true";
        foreach (var (k, v) in overrides ?? []) fields[k] = v;
        return await client.PostFormAsync(page, "/pay/checkout", fields);
    }

    /// <summary>
    /// The customer as the app resolves it for a request of <paramref name="userId"/> (the signed-in contact unless
    /// another is given): for calling the payment service directly.
    /// </summary>
    public Task<CustomerAccess> AccessAsync(string? userId = null) => DbAsync(db => (
            from c in db.Customers
            join co in db.Companies on c.CompanyId equals co.Id
            where c.Id == CustomerId
            select new CustomerAccess(
                c.Id, co.Id, c.Name, c.AccountNumber, co.Name, co.Plan, co.TimeZoneId, userId ?? UserId, false))
        .SingleAsync());

    public static long PaymentIdFrom(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        var marker = "/pay/payments/";
        var at = location.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0) at = location.IndexOf(Uri.EscapeDataString(marker), StringComparison.Ordinal) is var e and >= 0
            ? e : throw new InvalidOperationException(location);
        var rest = location[at..]
            .Replace(Uri.EscapeDataString(marker), marker, StringComparison.Ordinal)[marker.Length..];
        return long.Parse(new string(rest.TakeWhile(char.IsAsciiDigit).ToArray()));
    }

    public Task<T> DbAsync<T>(Func<AppDbContext, Task<T>> work) => Factory.WithDbAsync(work);

    /// <summary>One pass of the background jobs: sandbox settlement and event delivery, then the reconciler.</summary>
    public Task<int?> RunJobsAsync() => Factory.Services.GetRequiredService<PaymentJobs>().RunOnceAsync();

    public async Task AssertInvariantsAsync(bool settled = false)
    {
        var charges = await Sandbox.ListChargesAsync();
        var problems = await Factory.WithDbAsync(db => PaymentInvariants.CheckAsync(db, OfflinePaid, charges, settled));
        Assert.True(problems.Count == 0, "Invariants broken:\n" + string.Join("\n", problems.Take(30)));
    }

    public async ValueTask DisposeAsync() => await Factory.DisposeAsync();
}
