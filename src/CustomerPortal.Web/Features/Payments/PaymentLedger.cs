using CustomerPortal.Domain.Payments;
using CustomerPortal.Domain.Payments.Gateway;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Web.Features.PaymentMethods;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Features.Payments;

/// <summary>
/// What the processor says about a payment: the status to move to and the details that go with it. <see cref="Claim"/>
/// is set when the verdict is the processor's record of a payment (an event, the reconciler, a re-read): the ledger
/// applies it only to the payment it matches (<see cref="ProcessorEventMatch"/>).
/// </summary>
public sealed record ProcessorVerdict(PaymentStatus Status, string? ProcessorPaymentId, string? FailureCode = null,
    string? FailureMessage = null, string? NextActionUrl = null, ProcessorClaim? Claim = null);

/// <summary>The result of applying a verdict: where the payment was, where it is now, and whether it moved.</summary>
public sealed record LedgerMove(long PaymentId, PaymentStatus From, PaymentStatus To, bool Moved)
{
    /// <summary>How the verdict's processor payment differs from this payment (then nothing changed).</summary>
    public ProcessorMismatch Mismatch { get; init; }

    public bool Refused => Mismatch != ProcessorMismatch.None;
}

/// <summary>
/// The one place where money moves on invoices after the write-ahead: a processor verdict (the charge's answer, an
/// event, the reconciler) moves the payment forward through <see cref="PaymentStateMachine"/> and, only if it moved,
/// pending becomes paid (succeeded), goes back to the balance (failed, returned while processing) or paid goes back
/// (returned after success). Late, repeated or out-of-order verdicts do not move the payment, so they move no money.
/// Concurrent verdicts for one payment meet on the payment's and invoices' Version tokens: the loser re-reads and
/// re-applies (bounded retry). A verdict from a processor payment that is not this payment changes nothing and is
/// logged as a security warning.
/// A bank debit that fails after processing is a return (<see cref="Payment.TryApplyVerdict"/>); a return that closes
/// the account (R02, R03, R04) stops the saved method being offered, in the same transaction. After the commit, a
/// "save for future payments" kept with the payment (<see cref="PendingMethodSave"/>) is carried out or dropped.
/// </summary>
public sealed class PaymentLedger(AppDbContext db, TimeProvider clock, ILogger<PaymentLedger> log)
{
    private const int MaxAttempts = 8;

    /// <param name="alsoInTransaction">
    /// Extra rows committed with the move or no-move (e.g. the webhook event id).
    /// </param>
    /// <param name="thenInTransaction">
    /// Async work that depends on where the payment ended, committed in the same transaction (the portal's submit
    /// resets the draft here instead of in a transaction of its own). Runs again on a retry, after the change tracker
    /// was cleared.
    /// </param>
    /// <param name="reuseTracked">
    /// The caller's context tracks the payment (with its allocations) and its invoices exactly as it just committed
    /// them (the submit path, right after the write-ahead): the first attempt uses them instead of reading them again.
    /// </param>
    public async Task<LedgerMove?> ApplyAsync(long paymentId, ProcessorVerdict verdict,
        Action<AppDbContext>? alsoInTransaction = null, CancellationToken ct = default,
        Func<LedgerMove, CancellationToken, Task>? thenInTransaction = null, bool reuseTracked = false)
    {
        for (var attempt = 1; ; attempt++)
        {
            // The submit path has just written this payment ahead and still tracks it, its allocations and invoices:
            // the first attempt uses them as they are (their Version tokens make a change made since by anyone else
            // fail the save, and the retry reads afresh). Anywhere else, and on every retry, everything is read again.
            var payment = attempt == 1 && reuseTracked ? TrackedUnchanged(paymentId) : null;
            if (payment is null) db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            try
            {
                payment ??= await PaymentPathQueries.PaymentWithAllocationsTracked(db, paymentId);
                if (payment is null) return null;
                var claim = verdict.Claim;
                var mismatch = claim is null ? ProcessorMismatch.None : ProcessorEventMatch.Check(payment, claim);
                if (mismatch != ProcessorMismatch.None)
                {
                    await tx.RollbackAsync(ct);
                    log.LogWarning("Security: processor payment {ProcessorPaymentId} is not payment {PaymentId} "
                        + "({Mismatch}); nothing applied", claim!.ProcessorPaymentId, paymentId, mismatch);
                    return new LedgerMove(paymentId, payment.Status, payment.Status, false) { Mismatch = mismatch };
                }
                var now = clock.GetUtcNow();
                var from = payment.Status;
                if (verdict.ProcessorPaymentId is { Length: > 0 } pid && payment.ProcessorPaymentId is null)
                    payment.RecordProcessorId(pid, now);
                var moved = payment.TryApplyVerdict(verdict.Status, now, verdict.FailureCode, verdict.FailureMessage,
                    verdict.NextActionUrl);
                if (moved) await MoveMoneyAsync(payment, from, payment.Status, ct);
                if (moved && payment.Status == PaymentStatus.Returned)
                    await StopOfferingClosedAccountAsync(payment, ct);
                alsoInTransaction?.Invoke(db);
                var result = new LedgerMove(paymentId, from, payment.Status, moved);
                if (thenInTransaction is not null) await thenInTransaction(result, ct);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                if (moved)
                    log.LogInformation(
                        "Payment {PaymentId} moved from {From} to {To} (processor payment {ProcessorPaymentId})",
                        paymentId, from, payment.Status, payment.ProcessorPaymentId);
                if (payment.Status is PaymentStatus.Succeeded or PaymentStatus.Processing or PaymentStatus.Failed
                    or PaymentStatus.Returned)
                    await CarryOutMethodSaveAsync(payment, CancellationToken.None);
                return result;
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
            {
                await tx.RollbackAsync(ct);
                log.LogDebug("Payment {PaymentId}: concurrent change, applying {Status} again (attempt {Attempt})",
                    paymentId, verdict.Status, attempt);
            }
        }
    }

    /// <summary>
    /// "Save for future payments" of this payment, once its verdict is committed: saved (exactly the method the
    /// customer entered, on that customer) when it succeeded or is processing, dropped when it failed or was returned.
    /// Not in the verdict's transaction, so a problem here never undoes a verdict; the intent then stays, and the next
    /// verdict for the payment (its event, a repeat) tries again. Never saved twice: the unique (customer, token)
    /// index.
    /// </summary>
    private async Task CarryOutMethodSaveAsync(Payment payment, CancellationToken ct)
    {
        try
        {
            var intent = await db.PendingMethodSaves.FindAsync([payment.Id], ct);
            if (intent is null) return;
            var save = payment.Status is PaymentStatus.Succeeded or PaymentStatus.Processing;
            if (save && !intent.BelongsTo(payment))
            {
                log.LogWarning("Security: the method kept to save with payment {PaymentId} is not the one it was paid "
                    + "with; not saved", payment.Id);
                save = false;
            }
            if (save)
            {
                var saved = await SavedMethodStore.SaveAsync(db, intent.CustomerId, intent.Method, clock.GetUtcNow(),
                    ct);
                log.LogInformation("Payment {PaymentId} is {Status}: saved its payment method ({Kind}) for customer "
                    + "{CustomerId}", payment.Id, payment.Status, saved.Kind, intent.CustomerId);
            }
            db.PendingMethodSaves.Remove(intent);
            await db.SaveChangesAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Most often a concurrent verdict of the same payment saved it first (unique index, or the intent gone).
            db.ChangeTracker.Clear();
            log.LogWarning(ex, "Payment {PaymentId}: the payment method to save was not saved this time", payment.Id);
        }
    }

    /// <summary>
    /// A return that closes the account (closed, not found, invalid number): the customer's saved method it was paid
    /// with is no longer offered, until the customer adds the account again.
    /// </summary>
    private async Task StopOfferingClosedAccountAsync(Payment payment, CancellationToken ct)
    {
        if (payment.MethodKind != PaymentMethodKind.BankAccount
            || AchReturn.Of(payment.FailureCode) is not { ClosesAccount: true } returned) return;
        var methods = await db.SavedPaymentMethods
            .Where(m => m.CustomerId == payment.CustomerId && m.RemovedAt == null
                && (m.Id == payment.SavedPaymentMethodId || m.ProcessorMethodId == payment.ProcessorMethodToken))
            .ToListAsync(ct);
        foreach (var method in methods) method.MarkReturned(returned);
        if (methods.Count > 0)
            log.LogInformation("Payment {PaymentId} was returned ({ReturnCode}): saved method {SavedMethodIds} is no "
                + "longer offered", payment.Id, returned.Code, methods.Select(m => m.Id));
    }

    /// <summary>The payment as this context tracks it, unchanged and with its allocations, or null.</summary>
    private Payment? TrackedUnchanged(long paymentId)
    {
        var payment = db.Payments.Local.FirstOrDefault(p => p.Id == paymentId);
        if (payment is null) return null;
        var entry = db.Entry(payment);
        return entry.State == EntityState.Unchanged && payment.Allocations.Count > 0 ? payment : null;
    }

    private async Task MoveMoneyAsync(Payment payment, PaymentStatus from, PaymentStatus to, CancellationToken ct)
    {
        var heldPending = from is PaymentStatus.Submitted or PaymentStatus.Processing or PaymentStatus.RequiresAction
            or PaymentStatus.Unknown;
        if (heldPending && payment.HoldsPending) return; // still in flight: the money stays pending
        var ids = payment.Allocations.Select(a => a.InvoiceId).ToList();
        var invoices = db.Invoices.Local.Where(i => ids.Contains(i.Id) && db.Entry(i).State == EntityState.Unchanged)
            .ToDictionary(i => i.Id);
        if (invoices.Count != ids.Count)
            invoices = await PaymentPathQueries.InvoicesTracked(db, ids)
                .ToDictionaryAsync(i => i.Id, cancellationToken: ct);
        foreach (var a in payment.Allocations)
        {
            var invoice = invoices[a.InvoiceId];
            switch (from, to)
            {
                case (_, PaymentStatus.Succeeded) when heldPending: invoice.SettlePending(a.AmountCents); break;
                case (_, PaymentStatus.Failed or PaymentStatus.Returned) when heldPending:
                    invoice.ReleasePending(a.AmountCents);
                    break;
                case (PaymentStatus.Succeeded, PaymentStatus.Returned): invoice.ReversePaid(a.AmountCents); break;
                default: throw new InvalidOperationException($"No money movement is defined from {from} to {to}.");
            }
        }
    }
}
