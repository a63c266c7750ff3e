using CustomerPortal.Domain;
using CustomerPortal.Domain.Companies;
using CustomerPortal.Domain.Payments;
using CustomerPortal.Domain.Payments.Gateway;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Infrastructure.Drafts;
using CustomerPortal.Infrastructure.Payments.Sandbox;
using CustomerPortal.Infrastructure.Payments.Stripe;
using CustomerPortal.Web.Features.PaymentMethods;
using CustomerPortal.Web.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CustomerPortal.Web.Features.Payments;

public sealed record CheckoutView(
    CustomerAccess Access,
    PaymentPlan Plan,
    int DraftRevision,
    IReadOnlyList<MethodOption> Methods,
    NewMethodOption? NewMethod,
    string? SelectedMethod,
    string AchAuthorizationText,
    string? StripePublishableKey,
    string? Error = null,
    string? ErrorField = null)
{
    /// <summary>A site invoice's parent and site ("MS-504 · Union Station Tower"), by invoice id.</summary>
    public IReadOnlyDictionary<long, string> ParentLabels { get; init; } = new Dictionary<long, string>();

    /// <summary>
    /// Paying and changing methods are offered: a support agent viewing as the customer sees the same figures and
    /// methods, and nothing that would pay or change a method.
    /// </summary>
    public bool CanChange => PlanGate.MayChange(Access);

    /// <summary>Why there is nothing to pay, when the plan cannot be paid.</summary>
    public string NotPayableReason => Plan.Problem ?? PaymentPlanner.NothingSelected;
}

/// <summary>The ways to pay offered to a customer, and the one chosen (a form value: "saved-1", "entered-2").</summary>
public sealed record PayOptions(
    IReadOnlyList<MethodOption> Methods,
    NewMethodOption? NewMethod,
    string? SelectedMethod,
    string? StripePublishableKey)
{
    /// <summary>Some method can be paid with (a saved one not expired, or one just entered).</summary>
    public bool AnyUsable => NewMethod is not null || Methods.Any(m => m.IsUsable);

    public bool HasBank => NewMethod?.Kind == PaymentMethodKind.BankAccount
        || Methods.Any(m => m.Kind == PaymentMethodKind.BankAccount);
}

public sealed record AllocationView(long InvoiceId, string InvoiceNumber, long AmountCents)
{
    /// <summary>For a site invoice of a multi-site invoice: "MS-504 · Union Station Tower".</summary>
    public string? ParentLabel { get; init; }

    public string PdfUrl => $"/invoices/{InvoiceId}/pdf";
}

public sealed record PaymentView(
    long Id, string ReceiptNumber, PaymentStatus Status, long AmountCents, string MethodSummary,
    PaymentMethodKind MethodKind, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, string? FailureMessage,
    string? NextActionUrl, IReadOnlyList<AllocationView> Allocations)
{
    public string? FailureCode { get; init; }

    /// <summary>The status as a customer reads it (<see cref="PaymentStatusText.Label(PaymentStatus, string?)"/>).
    /// </summary>
    public string StatusLabel => PaymentStatusText.Label(Status, FailureCode);

    /// <summary>What a return did to the balances, said under its status; null for any other status.</summary>
    public string? ReturnedNote => Status == PaymentStatus.Returned ? PaymentStatusText.ReturnedBalances : null;

    /// <summary>
    /// A receipt is offered for money that moved or is moving: paid, pending (ACH) and returned; not for a decline.
    /// </summary>
    public bool HasReceipt => Status is PaymentStatus.Succeeded or PaymentStatus.Processing or PaymentStatus.Returned;

    public string ReceiptPdfUrl => $"/payments/{Id}/receipt.pdf";

    /// <summary>The colour of the status badge.</summary>
    public string StatusBadge => PaymentStatusText.Badge(Status);

    /// <summary>Where the customer confirms the payment with their bank (3-D Secure), coming back here after.</summary>
    public string? ConfirmUrl =>
        NextActionUrl is { } next ? PaymentService.WithReturnUrl(next, $"/pay/payments/{Id}") : null;

    /// <summary>Who is looking: times are shown on their company's clock.</summary>
    public CustomerAccess? Viewer { get; init; }

    /// <summary>When the payment was submitted, on the company's clock (UTC without a viewer).</summary>
    public DateTimeOffset SubmittedAt => Viewer?.ToCompanyTime(CreatedAt) ?? CreatedAt;

    /// <summary>The clock <see cref="SubmittedAt"/> is on.</summary>
    public string SubmittedZone => Viewer is null ? "UTC" : "(" + Viewer.CompanyTimeZone + ")";

    /// <summary>Only the customer confirms with their bank; an agent viewing as the customer sees the state.</summary>
    public bool MayConfirm => Viewer is not { IsReadOnly: true };
}

public sealed record HistoryView(IReadOnlyList<PaymentView> Payments, int Page, int PageCount, int Total);

/// <summary>What the checkout, result and history pages show; everything scoped to the signed-in customer.</summary>
public sealed class PaymentQueries(AppDbContext db, IPaymentGateway gateway, PaymentLedger ledger,
    EnteredPaymentTokens tokens, DraftStore drafts, TimeProvider clock, IServiceProvider services)
{
    public const int HistoryPageSize = 25;

    /// <summary>
    /// The checkout page, or null when <paramref name="selected"/> names a method this customer does not have.
    /// </summary>
    public async Task<CheckoutView?> CheckoutAsync(CustomerAccess access, string? selected, CancellationToken ct)
    {
        // Read to show: the revision the Pay form hands back is never newer than the invoices shown (DraftRead).
        var owner = access.IsViewAs
            ? DraftOwner.LatestOf(access.CustomerId)
            : DraftOwner.Contact(access.ActorUserId, access.CustomerId);
        var draft = (await drafts.ReadAsync(owner, DraftRead.ToShow, ct))?.ToDraft();
        var plan = draft is null
            ? PaymentPlan.Refused(Domain.Selection.PaymentChoice.SingleSite, PaymentPlanner.NothingSelected)
            : (await PaymentPlanner.PlanAsync(db, draft, track: false, ct)).Plan;
        var today = Company.TodayIn(access.CompanyTimeZone, clock);
        if (await PayOptionsAsync(access, selected, ct) is not { } options) return null;
        var text = AchAuthorization.Text(access.CompanyName, plan.TotalCents, today);
        var labels = await ParentLabelsAsync(access.CustomerId, plan.Lines.Select(l => l.InvoiceId).ToList(), ct);
        return new CheckoutView(access, plan, draft?.Revision ?? 0, options.Methods, options.NewMethod,
            options.SelectedMethod, text, options.StripePublishableKey) { ParentLabels = labels };
    }

    /// <summary>
    /// The parent and site of those of <paramref name="invoiceIds"/> that are site invoices of a multi-site invoice
    /// ("MS-504 · Union Station Tower"), so a site invoice keeps its label at checkout and on the receipt.
    /// </summary>
    private async Task<Dictionary<long, string>> ParentLabelsAsync(long customerId,
        IReadOnlyCollection<long> invoiceIds, CancellationToken ct)
    {
        if (invoiceIds.Count == 0) return [];
        var rows = await (from i in db.Invoices.AsNoTracking()
                          where i.CustomerId == customerId && invoiceIds.Contains(i.Id)
                          join p in db.MultiSiteInvoices.AsNoTracking() on i.MultiSiteInvoiceId equals (long?)p.Id
                          select new
                          {
                              i.Id, p.Number,
                              Site = db.Sites.Where(s => s.Id == i.SiteId).Select(s => s.Name).FirstOrDefault(),
                          }).ToListAsync(ct);
        return rows.ToDictionary(r => r.Id, r => r.Site is { Length: > 0 } site ? $"{r.Number} · {site}" : r.Number);
    }

    /// <summary>
    /// How the customer can pay ("How will you be paying today?", on the Make a Payment page and at checkout): saved
    /// methods, the method this contact just entered, the one chosen. Null when <paramref name="selected"/> names a
    /// method this customer does not have.
    /// </summary>
    public async Task<PayOptions?> PayOptionsAsync(CustomerAccess access, string? selected, CancellationToken ct)
    {
        var today = Company.TodayIn(access.CompanyTimeZone, clock);
        var saved = await PaymentPathQueries.SavedMethods(db, access.CustomerId).ToListAsync(ct);
        var methods = saved.Select(m => new MethodOption(m.Id, m.Kind, m.Summary,
            m.Kind == PaymentMethodKind.Card ? $"Expires {m.ExpMonth:00}/{m.ExpYear}" : SavedMethodStore.BankDetail,
            m.IsExpiredOn(today), m.IsDefault, m.ReturnNotice)).ToList();

        // What this contact entered in the processor's form, from the portal's own record: never from the URL.
        NewMethodOption? newMethod = null;
        if (await tokens.LatestUnusedAsync(access, ct) is { } entered
            && await gateway.GetPaymentMethodAsync(entered.Token, cancellationToken: ct) is { } d)
        {
            var processorCustomer = await db.Customers.AsNoTracking().Where(c => c.Id == access.CustomerId)
                .Select(c => c.ProcessorCustomerId).SingleAsync(ct);
            if (d.ProcessorCustomerId is null || d.ProcessorCustomerId == processorCustomer)
                newMethod = new NewMethodOption(entered.Id, d.Kind, SavedMethodStore.Summary(d),
                    d.Kind == PaymentMethodKind.Card
                        ? $"Expires {d.ExpMonth:00}/{d.ExpYear}"
                        : SavedMethodStore.BankDetail);
        }
        // A method named in the URL or the form must be one this page offers: anything else is not this customer's.
        if (selected is not null && selected != newMethod?.Value && !methods.Any(m => "saved-" + m.Id == selected))
            return null;
        var choice = selected
            ?? newMethod?.Value
            ?? methods.Where(m => m.IsDefault && m.IsUsable).Select(m => "saved-" + m.Id).FirstOrDefault()
            ?? methods.Where(m => m.IsUsable).Select(m => "saved-" + m.Id).FirstOrDefault();
        var stripeKey = gateway is SandboxProcessor
            ? null
            : services.GetService<IOptions<StripeOptions>>()?.Value.PublishableKey;
        return new PayOptions(methods, newMethod, choice, stripeKey);
    }

    /// <summary>
    /// The payment, or null when it is not this customer's. A payment waiting for 3-D Secure is first refreshed from
    /// the processor, so a customer coming back from the challenge sees how it ended without waiting for the event.
    /// </summary>
    public async Task<PaymentView?> PaymentAsync(CustomerAccess access, long id, CancellationToken ct)
    {
        var row = await db.Payments.AsNoTracking().Where(p => p.Id == id && p.CustomerId == access.CustomerId)
            .Select(p => new { p.Status, p.ProcessorPaymentId }).SingleOrDefaultAsync(ct);
        if (row is null) return null;
        // Only for the customer: an agent viewing as the customer changes nothing, not even by reading (the event or
        // the reconciler brings the same answer).
        if (row.Status == PaymentStatus.RequiresAction && !access.IsReadOnly && row.ProcessorPaymentId is { } pid
            && await gateway.GetPaymentAsync(pid, cancellationToken: ct) is { } current)
        {
            await ledger.ApplyAsync(id, PaymentReconciler.VerdictOf(current), ct: ct);
            db.ChangeTracker.Clear();
        }
        var own = db.Payments.AsNoTracking().Where(p => p.Id == id && p.CustomerId == access.CustomerId);
        return (await LoadAsync(access, own, ct)).SingleOrDefault();
    }

    /// <summary>Whether the processor's payment <paramref name="processorPaymentId"/> is this customer's.</summary>
    public Task<bool> IsOwnProcessorPaymentAsync(CustomerAccess access, string processorPaymentId,
        CancellationToken ct) =>
        db.Payments.AsNoTracking().AnyAsync(p => p.ProcessorPaymentId == processorPaymentId
            && p.CustomerId == access.CustomerId && p.CompanyId == access.CompanyId, ct);

    public async Task<HistoryView> HistoryAsync(CustomerAccess access, int page, CancellationToken ct)
    {
        var query = db.Payments.AsNoTracking().Where(p => p.CustomerId == access.CustomerId);
        var total = await query.CountAsync(ct);
        var pages = Math.Max(1, (total + HistoryPageSize - 1) / HistoryPageSize);
        page = Math.Clamp(page, 1, pages);
        var list = await LoadAsync(access, query.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id)
            .Skip((page - 1) * HistoryPageSize).Take(HistoryPageSize), ct);
        return new HistoryView(list, page, pages, total);
    }

    private async Task<List<PaymentView>> LoadAsync(
        CustomerAccess access, IQueryable<Payment> query, CancellationToken ct)
    {
        var payments = await query.Select(p => new
        {
            p.Id, p.ReceiptNumber, p.Status, p.AmountCents, p.MethodSummary, p.MethodKind, p.CreatedAt, p.CompletedAt,
            p.FailureMessage, p.NextActionUrl,
            p.FailureCode,
        }).ToListAsync(ct);
        var ids = payments.Select(p => p.Id).ToList();
        var allocations = await (from a in db.PaymentAllocations.AsNoTracking()
                                 join i in db.Invoices.AsNoTracking() on a.InvoiceId equals i.Id
                                 where ids.Contains(a.PaymentId)
                                 orderby a.Id
                                 select new { a.PaymentId, InvoiceId = i.Id, i.Number, a.AmountCents }).ToListAsync(ct);
        var byPayment = allocations.ToLookup(a => a.PaymentId);
        var labels = payments.Count == 1
            ? await ParentLabelsAsync(access.CustomerId, allocations.Select(a => a.InvoiceId).ToList(), ct)
            : [];
        return payments.Select(p => new PaymentView(p.Id, p.ReceiptNumber, p.Status, p.AmountCents, p.MethodSummary,
            p.MethodKind, p.CreatedAt,
            p.CompletedAt, p.FailureMessage, p.NextActionUrl,
            byPayment[p.Id].Select(a => new AllocationView(a.InvoiceId, a.Number, a.AmountCents)
            {
                ParentLabel = labels.GetValueOrDefault(a.InvoiceId),
            }).ToList())
        {
            Viewer = access,
            FailureCode = p.FailureCode,
        }).ToList();
    }
}

/// <summary>How a payment's status reads to a customer.</summary>
public static class PaymentStatusText
{
    /// <summary>What a return did to the invoices (the pending, or paid, amounts went back).</summary>
    public const string ReturnedBalances = "The invoices are open again with their balances as before.";

    /// <summary>
    /// The status as the result page, history and the receipt PDF name it: a return says the bank returned it and why
    /// ("Returned by your bank (R01: insufficient funds)").
    /// </summary>
    public static string Label(PaymentStatus s, string? failureCode) => s == PaymentStatus.Returned
        ? AchReturn.Of(failureCode)?.Message ?? AchReturn.UnknownMessage
        : Label(s);

    public static string Label(PaymentStatus s) => s switch
    {
        PaymentStatus.Succeeded => "Paid",
        PaymentStatus.Processing => "Pending",
        PaymentStatus.RequiresAction => "Needs authentication",
        PaymentStatus.Unknown or PaymentStatus.Submitted => "Being checked",
        PaymentStatus.Failed => "Declined",
        PaymentStatus.Returned => "Returned",
        _ => s.ToString(),
    };

    public static string Badge(PaymentStatus s) => s switch
    {
        PaymentStatus.Succeeded => "text-bg-success",
        PaymentStatus.Failed or PaymentStatus.Returned => "text-bg-danger",
        _ => "text-bg-warning",
    };

    public static string Money(long cents) => Domain.Money.FromCents(cents).Format();
}
