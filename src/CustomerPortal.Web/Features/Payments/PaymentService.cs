using System.Globalization;
using CustomerPortal.Domain;
using CustomerPortal.Domain.Customers;
using CustomerPortal.Domain.Payments;
using CustomerPortal.Domain.Payments.Gateway;
using CustomerPortal.Domain.Selection;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Infrastructure.Drafts;
using CustomerPortal.Domain.Companies;
using CustomerPortal.Web.Features.PaymentMethods;
using CustomerPortal.Web.Shared;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Features.Payments;

/// <summary>
/// The Pay button's form: which draft revision the page showed, the amount it named, and how to pay: a saved method, a
/// processor token handed over with this form (Stripe's Payment Element), or the method this contact entered in the
/// processor's form earlier (<see cref="EnteredMethodId"/>, the portal keeps its token).
/// </summary>
public sealed record PayCommand(
    int DraftRevision,
    long ExpectedAmountCents,
    long? SavedMethodId,
    string? NewMethodToken,
    bool SaveMethod,
    bool AchAuthorized,
    long? EnteredMethodId = null);

/// <summary>
/// One charge as the engine submits it, whoever asks (the portal's Pay button, the back office): whose, what to plan,
/// the amount the asker expects (null: whatever the plan says), the idempotency key (already namespaced by the asker),
/// where it comes from and who submitted it, and whether the customer is present (on-session) or not (off-session).
/// </summary>
public sealed record ChargeOrder(
    long CompanyId,
    long CustomerId,
    string CompanyName,
    string CompanyTimeZone,
    PlanRequest Plan,
    long? ExpectedAmountCents,
    string IdempotencyKey,
    PaymentSource Source,
    string SubmittedBy,
    bool OffSession,
    bool SetupFutureUsage,
    PayClient? Client)
{
    /// <summary>
    /// "Save for future payments" with a method entered for this payment (as checked, on the customer's processor
    /// customer): kept with the payment at the write-ahead and saved by the ledger once the payment succeeds.
    /// </summary>
    public PaymentMethodDetails? SaveMethod { get; init; }
}

/// <summary>
/// What the submit path did: the payment (or a refusal that changed nothing); <see cref="Existing"/> when the key
/// already had a payment (nothing was charged); otherwise the processor's answer and the ledger's move.
/// </summary>
public sealed record ChargeSubmission(PayOutcome Outcome, bool Existing, ChargeOutcome? ProcessorOutcome,
    LedgerMove? Move, string? NextActionUrl)
{
    public string? ProcessorCustomerId { get; init; }
}

/// <summary>
/// Submits a payment (payments.md): idempotency key from the draft, write-ahead of the payment, its allocations and the
/// invoices' pending in one transaction, then the processor, then the verdict through <see cref="PaymentLedger"/>.
/// </summary>
public sealed class PaymentService(
    AppDbContext db,
    IPaymentGateway gateway,
    PaymentLedger ledger,
    EnteredPaymentTokens tokens,
    DraftStore drafts,
    TimeProvider clock,
    ILogger<PaymentService> log)
{
    private const int MaxWriteAheadAttempts = 6;
    private const string NotYours = PaymentMethodService.NotYours;

    /// <summary>The key of one attempt at paying one revision of one draft. A decline moves the revision on.</summary>
    public static string IdempotencyKey(long customerId, long draftId, int revision) =>
        string.Create(CultureInfo.InvariantCulture, $"portal-{customerId}-{draftId}-{revision}");

    public async Task<PayOutcome> SubmitAsync(CustomerAccess access, PayCommand command, PayClient client,
        CancellationToken ct = default)
    {
        if (PlanGate.RefuseIfNotAllowed(access) is { } refused) return refused;
        var customerId = access.CustomerId;

        // Read to change: the revision compared below is never older than the invoices it pays (DraftRead).
        var stored = await drafts.ReadAsync(DraftOwner.Contact(access.ActorUserId, customerId), DraftRead.ToChange, ct);
        if (stored is null) return PayOutcome.Refused(400, PaymentPlanner.NothingSelected);
        var draft = stored.ToDraft();

        if (command.DraftRevision != draft.Revision)
        {
            // A re-POST of a page shown before the draft changed (double click after the first click finished, back and
            // submit again): the payment that page made, if it made one.
            var earlier = await FindByKeyAsync(IdempotencyKey(customerId, draft.Id, command.DraftRevision), ct);
            return earlier is not null
                ? PayOutcome.Payment(earlier.Value)
                : PayOutcome.Refused(409,
                    "Your selection changed since this page was shown. Check the amount and press Pay again.");
        }

        var key = IdempotencyKey(customerId, draft.Id, draft.Revision);
        var existing = await PaymentPathQueries.PaymentByKey(db, key);
        if (existing is not null)
        {
            if (existing.Status != PaymentStatus.Failed) return PayOutcome.Payment(existing.Id);
            // This revision was declined (after 3-D Secure, say): a deliberate new attempt gets a new key.
            draft.StartNewAttempt(clock.GetUtcNow());
            key = IdempotencyKey(customerId, draft.Id, (await drafts.SaveAsync(draft, stored.Selected, ct)).Revision);
        }

        var method = await ResolveMethodAsync(access, command, ct);
        if (method.Refusal is not null) return method.Refusal;

        var customer = await PaymentPathQueries.CustomerTracked(db, customerId)
            ?? throw new InvalidOperationException($"Customer {customerId} is gone.");
        var processorCustomerId = await EnsureProcessorCustomerAsync(customer, ct);
        if (method.NewDetails is { ProcessorCustomerId: { } owner } && owner != processorCustomerId)
            return PayOutcome.Refused(404, NotYours);

        var order = new ChargeOrder(access.CompanyId, customerId, access.CompanyName, access.CompanyTimeZone,
            PlanRequest.Of(draft), command.ExpectedAmountCents, key, PaymentSource.Portal, access.ActorUserId,
            OffSession: false, SetupFutureUsage: command.SaveMethod && method.Saved is null, client)
        {
            SaveMethod = command.SaveMethod && method.Saved is null && method.NewDetails is { } details
                ? details with { ProcessorCustomerId = processorCustomerId }
                : null,
        };
        // The draft starts over (or, after a decline, moves to a new attempt) in the verdict's own transaction.
        var submitted = await SubmitChargeAsync(order, method, ct,
            (outcome, move, c) => MoveDraftOnAsync(draft, key, outcome, move, c));
        if (submitted.Outcome.PaymentId is not { } paymentId) return submitted.Outcome;
        if (submitted.Existing) return PayOutcome.Payment(paymentId); // another request of the same click made it

        if (submitted.Move?.To == PaymentStatus.RequiresAction && submitted.NextActionUrl is { Length: > 0 } next)
        {
            return PayOutcome.Payment(paymentId) with
            {
                RedirectUrl = WithReturnUrl(next, $"/pay/payments/{paymentId}"),
            };
        }
        return PayOutcome.Payment(paymentId);
    }

    /// <summary>
    /// The one submit path of the engine, for the portal's Pay button and the back office's charge alike: the
    /// write-ahead (plan from the database, reserve pending, payment and allocation rows, in one transaction), then the
    /// processor with the same key, then the verdict through the ledger. A key that already has a payment answers that
    /// payment (<see cref="ChargeSubmission.Existing"/>) and charges nothing.
    /// </summary>
    /// <param name="thenInTransaction">Runs inside the verdict's transaction (the portal's draft reset), whether or not
    /// the payment moved.</param>
    internal async Task<ChargeSubmission> SubmitChargeAsync(
        ChargeOrder order, ResolvedMethod method, CancellationToken ct,
        Func<ChargeOutcome, LedgerMove, CancellationToken, Task>? thenInTransaction = null)
    {
        // The portal's submit has just loaded (and tracked) the customer: no second read.
        var customer = db.Customers.Local.FirstOrDefault(c => c.Id == order.CustomerId)
            ?? await PaymentPathQueries.CustomerTracked(db, order.CustomerId)
                ?? throw new InvalidOperationException($"Customer {order.CustomerId} is gone.");
        var processorCustomerId = await EnsureProcessorCustomerAsync(customer, ct);

        // ---- write-ahead ----
        var written = await WriteAheadAsync(order, method, ct);
        if (!written.IsPayment || written.PaymentId is not { } paymentId)
            return new ChargeSubmission(written, false, null, null, null);
        if (written.StatusCode == 208)
            return new ChargeSubmission(PayOutcome.Payment(paymentId), true, null, null, null);

        // ---- the processor ----
        // The row the write-ahead just committed (still tracked by this context), else read back.
        var payment = db.Payments.Local.FirstOrDefault(p => p.Id == paymentId)
            ?? await db.Payments.AsNoTracking().SingleAsync(p => p.Id == paymentId, ct);
        var request = new ChargeRequest
        {
            ProcessorCustomerId = processorCustomerId,
            PaymentMethodToken = payment.ProcessorMethodToken,
            AmountCents = payment.AmountCents,
            IdempotencyKey = order.IdempotencyKey,
            Metadata = new ChargeMetadata(paymentId, order.CompanyId, order.CustomerId),
            MethodKind = payment.MethodKind,
            SetupFutureUsage = order.SetupFutureUsage,
            OffSession = order.OffSession,
            ReturnUrl = order.OffSession || order.Client is null
                ? null
                : $"{order.Client.BaseUrl}/pay/payments/{paymentId}",
            Mandate = payment.MethodKind == PaymentMethodKind.BankAccount && !order.OffSession && order.Client is { } c
                ? new MandateAcceptance(payment.CreatedAt, c.IpAddress, c.UserAgent)
                : null,
        };
        ChargeResult result;
        try
        {
            result = await gateway.ChargeAsync(request, ct);
        }
        catch (Exception ex)
            when (ex is HttpRequestException or TimeoutException or TaskCanceledException or IOException)
        {
            // The processor may or may not have charged: keep the money pending, the reconciler decides.
            log.LogWarning(ex, "Charge of payment {PaymentId} ended without an answer", paymentId);
            result = ChargeResult.Unknown(null, "exception");
        }

        var failure = result.Outcome == ChargeOutcome.Declined
            ? result.FailureMessage ?? FailureMessages.For(result.FailureCode, payment.MethodKind)
            : null;
        var verdict = new ProcessorVerdict(result.ToPaymentStatus(), result.ProcessorPaymentId,
            result.FailureCode, failure, result.NextActionUrl);
        var move = await ledger.ApplyAsync(paymentId, verdict, ct: CancellationToken.None,
            thenInTransaction: thenInTransaction is null
                ? null
                : (m, c) => thenInTransaction(result.Outcome, m, c),
            reuseTracked: true);
        log.LogInformation("Payment {PaymentId} of customer {CustomerId} ({Source}): processor answered {Outcome}",
            paymentId, order.CustomerId, order.Source, result.Outcome);
        return new ChargeSubmission(PayOutcome.Payment(paymentId), false, result.Outcome, move,
            result.NextActionUrl) { ProcessorCustomerId = processorCustomerId };
    }

    /// <summary>The 3-D Secure page, told where to send the customer back to.</summary>
    public static string WithReturnUrl(string url, string returnUrl) =>
        url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?")
            + "return_url=" + Uri.EscapeDataString(returnUrl);

    private async Task<long?> FindByKeyAsync(string key, CancellationToken ct) =>
        (await PaymentPathQueries.PaymentByKey(db, key))?.Id;

    private async Task<PayOutcome> WriteAheadAsync(ChargeOrder order, ResolvedMethod method, CancellationToken ct)
    {
        var key = order.IdempotencyKey;
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            // On SQLite this is BEGIN IMMEDIATE: writers queue here (busy timeout), so balances read below cannot
            // change before the commit. On SQL Server the Version tokens catch a concurrent change and we re-read.
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            try
            {
                if (await FindByKeyAsync(key, ct) is { } made) return new PayOutcome(made, 208, null);
                var (plan, invoices) = await PaymentPlanner.PlanAsync(db, order.Plan, track: true, ct);
                if (!plan.IsPayable) return PayOutcome.Refused(400, plan.Problem ?? PaymentPlanner.NothingSelected);
                if (order.ExpectedAmountCents is { } expected && plan.TotalCents != expected)
                    return PayOutcome.Refused(409,
                        $"The amount to pay is now {Money.FromCents(plan.TotalCents).Format()} "
                        + "(an invoice changed since this page was shown). Check it and press Pay again.");
                if (order.Plan.EitherKind && plan.InvoiceCount != order.Plan.InvoiceIds.Count)
                    return PayOutcome.Refused(409,
                        "An invoice was paid or changed at the same time. "
                        + "Read the invoices again and send a new charge.");

                var now = clock.GetUtcNow();
                foreach (var line in plan.Lines) invoices[line.InvoiceId].ReservePending(line.AmountCents);
                var payment = new Payment(order.CompanyId, order.CustomerId, key, method.Kind, method.Summary,
                    method.Saved?.Id, method.Token, order.Source, order.SubmittedBy, now,
                    plan.Lines.Select(l => new PaymentAllocation(l.InvoiceId, l.AmountCents)));
                db.Payments.Add(payment);
                if (method.Kind == PaymentMethodKind.BankAccount && !order.OffSession && order.Client is { } client)
                {
                    // The customer, present, accepts this debit. Off-session debits rely on the authorization stored
                    // with the saved method.
                    var text = AchAuthorization.Text(order.CompanyName, plan.TotalCents,
                        Company.TodayIn(order.CompanyTimeZone, clock));
                    db.AchMandates.Add(new AchMandate(order.CustomerId, method.Saved?.Id, method.Token,
                        AchAuthorization.Version, text, now, client.IpAddress, client.UserAgent));
                }
                await db.SaveChangesAsync(ct);
                if (order.SaveMethod is { } save)
                {
                    // With the payment, so that whichever verdict ends it (now, the return from 3-D Secure, an event,
                    // the reconciler) saves the method or drops the wish (PaymentLedger).
                    db.PendingMethodSaves.Add(new PendingMethodSave(payment.Id, order.CustomerId, save, now));
                    await db.SaveChangesAsync(ct);
                }
                await tx.CommitAsync(ct);
                log.LogInformation(
                    "Payment {PaymentId} written ahead: {AmountCents} cents over {InvoiceCount} invoices for customer "
                    + "{CustomerId}",
                    payment.Id, payment.AmountCents, plan.InvoiceCount, order.CustomerId);
                return PayOutcome.Payment(payment.Id);
            }
            catch (DomainException ex)
            {
                return PayOutcome.Refused(400, ex.Message);
            }
            catch (DbUpdateException ex) when (attempt < MaxWriteAheadAttempts)
            {
                // Another request changed one of these invoices (Version), or made this payment (unique key): re-read.
                await tx.RollbackAsync(CancellationToken.None);
                log.LogDebug("Write-ahead of {Key} met a concurrent change ({Error}); attempt {Attempt}", key,
                    ex.GetType().Name, attempt);
            }
        }
    }

    /// <summary>
    /// After the processor's answer, inside the verdict's transaction: the draft that made this payment starts over.
    /// </summary>
    private async Task MoveDraftOnAsync(PaymentDraft paid, string key, ChargeOutcome outcome, LedgerMove move,
        CancellationToken ct)
    {
        // Read afresh: the key names the draft and the revision it paid; a draft changed since stays as it is.
        var owner = DraftOwner.Contact(paid.UserId, paid.CustomerId);
        var stored = await drafts.ReadAsync(owner, DraftRead.ToChange, ct);
        if (stored is null || IdempotencyKey(stored.CustomerId, stored.Id, stored.Revision) != key) return;
        var draft = stored.ToDraft();
        var now = clock.GetUtcNow();
        if (outcome is ChargeOutcome.Succeeded or ChargeOutcome.Processing) draft.Reset(now);
        // After a decline the selection is kept; the next try is a new payment.
        else if (move.To == PaymentStatus.Failed) draft.StartNewAttempt(now);
        else return;
        await drafts.SaveAsync(draft, stored.Selected, ct); // in the verdict's transaction
    }

    private async Task<string> EnsureProcessorCustomerAsync(Customer customer, CancellationToken ct)
    {
        if (customer.ProcessorCustomerId is { Length: > 0 } id) return id;
        var created = await gateway.EnsureCustomerAsync(new GatewayCustomer(customer.CompanyId, customer.Id,
            customer.Name, customer.ContactEmail), ct);
        customer.LinkProcessorCustomer(created);
        await db.SaveChangesAsync(ct);
        return created;
    }

    internal sealed record ResolvedMethod(PaymentMethodKind Kind, string Token, string Summary,
        SavedPaymentMethod? Saved, PaymentMethodDetails? NewDetails, PayOutcome? Refusal)
    {
        public static ResolvedMethod FromSaved(SavedPaymentMethod saved) =>
            new(saved.Kind, saved.ProcessorMethodId, saved.Summary, saved, null, null);

        public static ResolvedMethod Refuse(int status, string message, string field = "Method") =>
            new(default, "", "", null, null, PayOutcome.Refused(status, message, field));
    }

    private async Task<ResolvedMethod> ResolveMethodAsync(CustomerAccess access, PayCommand command,
        CancellationToken ct)
    {
        ResolvedMethod method;
        if (command.SavedMethodId is { } savedId)
        {
            var saved = await PaymentPathQueries.SavedMethod(db, savedId, access.CustomerId);
            if (saved is null) return ResolvedMethod.Refuse(404, NotYours);
            if (saved.IsExpiredOn(Company.TodayIn(access.CompanyTimeZone, clock)))
                return ResolvedMethod.Refuse(400,
                    $"That card expired at the end of {saved.ExpMonth:00}/{saved.ExpYear}. "
                    + "Choose another payment method.");
            if (saved.ReturnNotice is { } returned)
                return ResolvedMethod.Refuse(400, $"{saved.Summary}: {returned}. Choose another payment method.");
            method = ResolvedMethod.FromSaved(saved);
        }
        else if (command.EnteredMethodId is { } enteredId)
        {
            // The portal holds the token of what this contact entered; someone else's or an expired one is not found.
            if (await tokens.FindAsync(access, enteredId, ct) is not { } entered)
                return ResolvedMethod.Refuse(404, NotYours);
            return await ResolveMethodAsync(access,
                command with { EnteredMethodId = null, NewMethodToken = entered.Token }, ct);
        }
        else if (!string.IsNullOrWhiteSpace(command.NewMethodToken))
        {
            var token = command.NewMethodToken.Trim();
            if (token.Length > 100)
                return ResolvedMethod.Refuse(400, "That payment method could not be found. Enter it again.");
            var already = await db.SavedPaymentMethods.AsNoTracking()
                .SingleOrDefaultAsync(m => m.ProcessorMethodId == token && m.CustomerId == access.CustomerId
                    && m.RemovedAt == null, ct);
            if (already is not null) return await ResolveMethodAsync(access,
                command with { SavedMethodId = already.Id, NewMethodToken = null }, ct);
            // Before the processor hears of it: a token another customer or contact entered, or an expired one.
            if (await tokens.HandOverAsync(access, token, ct) is null) return ResolvedMethod.Refuse(404, NotYours);
            var details = await gateway.GetPaymentMethodAsync(token, cancellationToken: ct);
            if (details is null)
                return ResolvedMethod.Refuse(400, "That payment method could not be found. Enter it again.");
            if (details.Kind == PaymentMethodKind.Card && details.ExpYear is { } y && details.ExpMonth is { } m)
            {
                var today = Company.TodayIn(access.CompanyTimeZone, clock);
                if (y < today.Year || (y == today.Year && m < today.Month))
                    return ResolvedMethod.Refuse(400, "That card has expired. Choose another payment method.");
            }
            method = new ResolvedMethod(
                details.Kind, details.Token, SavedMethodStore.Summary(details), null, details, null);
        }
        else
        {
            return ResolvedMethod.Refuse(400, "Choose how you will pay.");
        }

        if (method.Kind == PaymentMethodKind.BankAccount && !command.AchAuthorized)
            return ResolvedMethod.Refuse(400, "Accept the bank debit authorization to pay from a bank account.",
                "AchAuthorized");
        return method;
    }
}
