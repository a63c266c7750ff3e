using System.Globalization;
using CustomerPortal.Domain;
using CustomerPortal.Domain.Companies;
using CustomerPortal.Domain.Selection;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Infrastructure.Drafts;
using CustomerPortal.Web.Shared;

namespace CustomerPortal.Web.Features.MakeAPayment;

/// <summary>How an action ended, as the controller answers it: 200/redirect, 400, 404 or 403.</summary>
public enum ActionStatus
{
    Done = 0,
    Refused = 1,
    NotFound = 2,
    NotAllowed = 3,
}

public sealed record ActionOutcome(ActionStatus Status, PageMessage? Message)
{
    /// <summary>
    /// The stored draft's revision the action started from (0: none stored yet), when it accepted a selection change;
    /// null otherwise. The page answers with only the changed rows when the script's view showed that revision.
    /// </summary>
    public int? RevisionBefore { get; init; }

    public int StatusCode => Status switch
    {
        ActionStatus.Refused => StatusCodes.Status400BadRequest,
        ActionStatus.NotFound => StatusCodes.Status404NotFound,
        ActionStatus.NotAllowed => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status200OK,
    };
}

/// <summary>
/// Changes the signed-in user's stored selection for the customer (the <see cref="PaymentDraft"/>, keyed by user and
/// customer). The rules decide (<see cref="InvoiceSelection"/>, <see cref="Domain.Allocation.PaymentAllocator"/>); this
/// loads the snapshots they need in one query and saves only what they accepted, so a refusal changes nothing. Drafts
/// are read and stored by <see cref="DraftStore"/>.
/// </summary>
public sealed class PaymentDraftService(AppDbContext db, PayRequest request, DraftStore drafts, TimeProvider clock)
{
    /// <summary>A page holds at most 100 rows; "Select page" with more ids than that is not a page.</summary>
    public const int MaxIdsPerRequest = 100;

    private readonly OpenInvoiceQueries _q = request.Queries;

    public async Task<ActionOutcome> ChooseAsync(CustomerAccess access, string? choiceText, CancellationToken ct)
    {
        if (Denied(access) is { } denied) return denied;
        if (!TryParseChoice(choiceText, out var choice))
            return Refused(
                "Choose what you are paying today: Custom Amount, Single-Site Invoices or Multi-Site Invoices.",
                MessageTarget.Choice);
        var draft = await DraftAsync(access, ct);
        var before = draft.SelectedInvoiceIds;
        var (wasChoice, wasAmount) = (draft.Choice, draft.CustomAmountCents);
        draft.Choose(choice, clock.GetUtcNow());
        if (draft.Id != 0 && draft.Choice == wasChoice && draft.CustomAmountCents == wasAmount)
            return Done(); // nothing changed
        await SaveAsync(draft, before, ct);
        return Done();
    }

    public Task<ActionOutcome> SetInvoiceAsync(CustomerAccess access, long invoiceId, bool check,
        CancellationToken ct) =>
        SelectAsync(access,
            (draft, at, ct2) => _q.RulesAsync(at, draft.Choice, [.. draft.SelectedInvoiceIds, invoiceId], ct2),
            (rules, selected) => rules.SetInvoice(selected, invoiceId, check), ct);

    public Task<ActionOutcome> SetParentAsync(CustomerAccess access, long multiSiteInvoiceId, bool check,
        CancellationToken ct) =>
        SelectAsync(access, async (draft, _, ct2) => OpenInvoiceQueries.SelectionOver(draft.Choice,
                await _q.SnapshotsAsync(access.CustomerId, draft.SelectedInvoiceIds.ToList(), [multiSiteInvoiceId],
                    ct2)),
            (rules, selected) => rules.SetParent(selected, multiSiteInvoiceId, check), ct);

    public Task<ActionOutcome> SelectPageAsync(CustomerAccess access, IReadOnlyList<long> pageIds, CancellationToken ct)
    {
        if (pageIds.Count == 0)
            return Task.FromResult(Refused("There are no invoices on this page to select.", MessageTarget.Selection));
        if (pageIds.Count > MaxIdsPerRequest)
            return Task.FromResult(Refused(
                $"A page has at most {MaxIdsPerRequest} invoices; this asked for {pageIds.Count}.",
                MessageTarget.Selection));
        return SelectAsync(access, async (draft, at, ct2) => draft.Choice == PaymentChoice.MultiSite
                ? OpenInvoiceQueries.SelectionOver(draft.Choice, await _q.SnapshotsAsync(access.CustomerId,
                    draft.SelectedInvoiceIds.ToList(), pageIds.Distinct().ToList(), ct2))
                : await _q.RulesAsync(at, draft.Choice, [.. draft.SelectedInvoiceIds, .. pageIds], ct2),
            (rules, selected) => rules.SelectPage(selected, pageIds), ct);
    }

    public async Task<ActionOutcome> SelectAllAsync(CustomerAccess access, CancellationToken ct)
    {
        if (Denied(access) is { } denied) return denied;
        var draft = await DraftAsync(access, ct);
        if (NotAnInvoiceChoice(draft) is { } wrong) return wrong;
        SelectionResult result;
        if (draft.Choice == PaymentChoice.SingleSite)
        {
            // The 201 oldest decide which 200 are taken; the count (kept with the customer's totals) is only for the
            // "200 of N" notice.
            var sums = await _q.OverviewAsync(access.CustomerId, Company.TodayIn(access.CompanyTimeZone, clock), ct);
            var oldest = await _q.OldestPayableAsync(InvoicesAsOf.Of(access.CustomerId, sums), singleSiteOnly: true,
                ct);
            result = OpenInvoiceQueries.SelectionOver(draft.Choice, oldest)
                .SelectAll(draft.SelectedInvoiceIds, sums.PayableSingleSiteCount);
        }
        else
        {
            var children = await _q.AllChildrenAsync(access.CustomerId, ct);
            result = OpenInvoiceQueries.SelectionOver(draft.Choice, children).SelectAll(draft.SelectedInvoiceIds);
        }
        return await ApplyAsync(draft, result, ct);
    }

    /// <summary>
    /// "Pay overdue balance": the overdue invoices of the current invoice choice (from a custom amount: single-site),
    /// oldest first, up to 200 (<see cref="InvoiceSelection.SelectOverdue"/>).
    /// </summary>
    public async Task<ActionOutcome> SelectOverdueAsync(CustomerAccess access, CancellationToken ct)
    {
        if (Denied(access) is { } denied) return denied;
        var draft = await DraftAsync(access, ct);
        if (draft.Choice == PaymentChoice.CustomAmount) draft.Choose(PaymentChoice.SingleSite, clock.GetUtcNow());
        var today = Company.TodayIn(access.CompanyTimeZone, clock);
        var (oldest, count) = await _q.OverdueAsync(
            access.CustomerId, children: draft.Choice == PaymentChoice.MultiSite, today, ct);
        var result = OpenInvoiceQueries.SelectionOver(draft.Choice, oldest)
            .SelectOverdue(draft.SelectedInvoiceIds, today, count);
        return await ApplyAsync(draft, result, ct);
    }

    public async Task<ActionOutcome> ClearAsync(CustomerAccess access, CancellationToken ct)
    {
        if (Denied(access) is { } denied) return denied;
        var draft = await DraftAsync(access, ct);
        if (NotAnInvoiceChoice(draft) is { } wrong) return wrong;
        return await ApplyAsync(draft, InvoiceSelection.Clear(), ct);
    }

    /// <summary>Checks the amount text and its split; stores the amount only when both are accepted.</summary>
    public async Task<ActionOutcome> SetCustomAmountAsync(CustomerAccess access, string? amountText,
        CancellationToken ct)
    {
        if (Denied(access) is { } denied) return denied;
        var parsed = Money.TryParse(amountText, out var money, out var error);
        var draft = await DraftAsync(access, ct);
        if (draft.Choice != PaymentChoice.CustomAmount)
            return Refused(parsed ? "Choose “Custom Amount” before entering an amount." : error,
                MessageTarget.Amount);
        if (!parsed) return await ForgetAmountAsync(draft, error, ct);
        var today = Company.TodayIn(access.CompanyTimeZone, clock);
        var sums = await _q.OverviewAsync(access.CustomerId, today, ct);
        // The split is made once: the page this action answers with shows the same one.
        var split = await _q.SplitAsync(InvoicesAsOf.Of(access.CustomerId, sums), sums, money.Cents, ct);
        if (split.Refusal is { } refusal) return await ForgetAmountAsync(draft, refusal, ct);
        var before = draft.SelectedInvoiceIds;
        draft.SetCustomAmount(money.Cents, clock.GetUtcNow());
        await SaveAsync(draft, before, ct);
        return Done();
    }

    /// <summary>
    /// A refused amount also forgets the amount stored before it: the page then shows no split and nothing selected,
    /// and a Pay button drawn for the old amount names a revision that is gone (409), so it cannot pay it.
    /// </summary>
    private async Task<ActionOutcome> ForgetAmountAsync(PaymentDraft draft, string message, CancellationToken ct)
    {
        if (draft.Id != 0 && draft.CustomAmountCents is not null)
        {
            var before = draft.SelectedInvoiceIds;
            draft.SetCustomAmount(null, clock.GetUtcNow());
            await SaveAsync(draft, before, ct);
        }
        return Refused(message, MessageTarget.Amount);
    }

    /// <summary>
    /// "Continue to payment": checks that the stored draft can be paid today, with the same planner the checkout and
    /// the write-ahead use (<see cref="Payments.PaymentPlanner"/>), so the page never sends on what checkout would
    /// refuse.
    /// </summary>
    public async Task<ActionOutcome> ContinueAsync(CustomerAccess access, CancellationToken ct)
    {
        if (Denied(access) is { } denied) return denied;
        var draft = await drafts.ReadAsync(Own(access), DraftRead.ToChange, ct);
        if (draft is null
            || (draft.Choice == PaymentChoice.CustomAmount
                ? draft.CustomAmountCents is null
                : draft.Selected.Count == 0))
        {
            return Refused(draft?.Choice == PaymentChoice.CustomAmount
                ? "Enter an amount and preview it before you continue."
                : "Select at least one invoice before you continue.", MessageTarget.Continue);
        }
        var (plan, _) = await Payments.PaymentPlanner.PlanAsync(db, draft.ToDraft(), track: false, ct);
        return plan.IsPayable
            ? Done()
            : Refused(plan.Problem ?? Payments.PaymentPlanner.NothingSelected, MessageTarget.Continue);
    }

    private async Task<ActionOutcome> SelectAsync(CustomerAccess access,
        Func<PaymentDraft, InvoicesAsOf, CancellationToken, Task<InvoiceSelection>> load,
        Func<InvoiceSelection, IReadOnlySet<long>, SelectionResult> act, CancellationToken ct)
    {
        if (Denied(access) is { } denied) return denied;
        var draft = await DraftAsync(access, ct);
        if (NotAnInvoiceChoice(draft) is { } wrong) return wrong;
        // The invoices version before the snapshots, which are read (and may be kept) under it. It comes with the
        // overview, which the page this action answers with shows anyway.
        var at = await _q.InvoicesAsOfAsync(access.CustomerId, Company.TodayIn(access.CompanyTimeZone, clock), ct);
        var rules = await load(draft, at, ct);
        return await ApplyAsync(draft, act(rules, draft.SelectedInvoiceIds), ct);
    }

    private async Task<ActionOutcome> ApplyAsync(PaymentDraft draft, SelectionResult result, CancellationToken ct)
    {
        switch (result.Outcome)
        {
            case SelectionOutcome.NotFound:
                return new ActionOutcome(ActionStatus.NotFound,
                    new PageMessage(result.Message ?? "Not found.", MessageTarget.Selection, true));
            case SelectionOutcome.Refused:
                return Refused(result.Message ?? "That selection is not possible.", MessageTarget.Selection);
            default:
                var revisionBefore = draft.Revision;
                var before = draft.SelectedInvoiceIds;
                // An action that leaves the selection as it was (checking a checked invoice, "Select all" again) writes
                // nothing: the draft, its revision (the payment's idempotency key) and its time stay as they are.
                if (draft.Id != 0 && before.SetEquals(result.Selected))
                    return new ActionOutcome(ActionStatus.Done, result.Message is { } same
                        ? new PageMessage(same, MessageTarget.Selection, false)
                        : null) { RevisionBefore = revisionBefore };
                draft.ReplaceInvoices(result.Selected, clock.GetUtcNow());
                await SaveAsync(draft, before, ct);
                return new ActionOutcome(ActionStatus.Done, result.Message is { } notice
                    ? new PageMessage(notice, MessageTarget.Selection, false)
                    : null) { RevisionBefore = revisionBefore };
        }
    }

    /// <summary>
    /// Stores a draft the domain has just changed (<see cref="DraftStore.SaveAsync"/>: one batch, the revision moved on
    /// in SQL); the page this request answers with shows it as stored.
    /// </summary>
    private async Task SaveAsync(PaymentDraft draft, IReadOnlySet<long> before, CancellationToken ct) =>
        _q.RememberDraft(await drafts.SaveAsync(draft, before, ct));

    /// <summary>
    /// The contact's draft for the customer, untracked and read to change it (<see cref="DraftRead.ToChange"/>), or a
    /// new one (Id 0, not yet stored).
    /// </summary>
    private async Task<PaymentDraft> DraftAsync(CustomerAccess access, CancellationToken ct)
    {
        if (await drafts.ReadAsync(Own(access), DraftRead.ToChange, ct) is not { } stored)
            return new PaymentDraft(access.ActorUserId, access.CustomerId, clock.GetUtcNow());
        _q.RememberDraft(stored); // a refused action answers with the draft as it is
        return stored.ToDraft();
    }

    private static DraftOwner Own(CustomerAccess access) => DraftOwner.Contact(access.ActorUserId, access.CustomerId);

    private static ActionOutcome? NotAnInvoiceChoice(PaymentDraft draft) =>
        draft.Choice == PaymentChoice.CustomAmount
            ? Refused("Choose “Select Single-Site Invoices” or “Select Multi-Site Invoices” to select invoices.",
                MessageTarget.Selection)
            : null;

    private static ActionOutcome? Denied(CustomerAccess access) =>
        PlanGate.MayChange(access)
            ? null
            : new ActionOutcome(ActionStatus.NotAllowed, new PageMessage(
                access.IsReadOnly
                    ? "You are viewing as the customer; nothing can be changed."
                    : ProPlan.NotEnabledMessage(access.CompanyName),
                MessageTarget.Selection, true));

    private static ActionOutcome Done() => new(ActionStatus.Done, null);

    private static ActionOutcome Refused(string message, MessageTarget target) =>
        new(ActionStatus.Refused, new PageMessage(message, target, true));

    public static bool TryParseChoice(string? text, out PaymentChoice choice)
    {
        choice = text?.Trim().ToLowerInvariant() switch
        {
            "custom" => PaymentChoice.CustomAmount,
            "single" => PaymentChoice.SingleSite,
            "multi" => PaymentChoice.MultiSite,
            _ => (PaymentChoice)(-1),
        };
        return Enum.IsDefined(choice);
    }

    public static string KeyOf(PaymentChoice choice) => choice switch
    {
        PaymentChoice.CustomAmount => "custom",
        PaymentChoice.MultiSite => "multi",
        _ => "single",
    };

    internal static string Count(int n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
