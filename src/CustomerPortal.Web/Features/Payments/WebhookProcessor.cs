using CustomerPortal.Domain.Payments;
using CustomerPortal.Domain.Payments.Gateway;
using CustomerPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Features.Payments;

/// <summary>
/// What a webhook delivery came to: 400 for anything not verified or not belonging to the payment it names, 503 when it
/// could not be handled now (the processor sends it again), 200 otherwise (also for duplicates).
/// </summary>
public sealed record WebhookOutcome(int StatusCode, string Message)
{
    public bool IsRetryLater => StatusCode == StatusCodes.Status503ServiceUnavailable;
}

/// <summary>
/// Handles a processor event (payments.md, "Processor events"): the signature is checked on the raw body by the
/// gateway (300 s tolerance); the event id is stored under its unique key in the same transaction as its effect; the
/// effect is the processor's current view of the payment (re-read), so a late or out-of-order event cannot move a
/// payment backwards, and the state machine ignores what it has already seen. An event whose payment object (and the
/// processor's current one) is not the payment it names (<see cref="ProcessorEventMatch"/>) changes nothing, answers
/// 400 and is logged as a security warning. When the processor's API or the database fails while a verified event is
/// handled, nothing is stored and the answer is 503: the processor retries.
/// </summary>
public sealed class WebhookProcessor(AppDbContext db, IPaymentGateway gateway, PaymentLedger ledger, TimeProvider clock,
    ILogger<WebhookProcessor> log)
{
    public const int MaxBodyBytes = 256 * 1024;

    /// <summary>How long a processor is asked to wait before sending again an event answered with 503.</summary>
    public const int RetryAfterSeconds = 30;

    public async Task<WebhookOutcome> HandleAsync(string provider, string rawBody, string? signatureHeader,
        CancellationToken ct = default)
    {
        if (!string.Equals(provider, gateway.Name, StringComparison.Ordinal)) return new(404, "No such webhook.");
        var parsed = gateway.ParseWebhook(rawBody, signatureHeader);
        if (parsed.Event is not { } e)
        {
            log.LogWarning("Rejected {Provider} webhook: {Reason}", provider, parsed.RejectionReason);
            return new(400, parsed.RejectionReason ?? "The event was rejected.");
        }
        if (string.IsNullOrWhiteSpace(e.EventId) || e.EventId.Length > 100)
            return new(400, "The event id is malformed.");
        try
        {
            return await HandleVerifiedAsync(provider, e, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // The processor's API, or the database, failed: nothing was committed, so the event id is not stored and
            // the processor's retry will apply it. Any other failure is answered the same way rather than with the
            // HTML error page: a verified event is never lost because of us.
            log.LogError(ex, "{Provider} event {EventId} ({Type}) could not be handled now; answered 503 for a retry",
                provider, e.EventId, e.Type);
            return new(StatusCodes.Status503ServiceUnavailable, "The event could not be handled now. Send it again.");
        }
    }

    private async Task<WebhookOutcome> HandleVerifiedAsync(string provider, ProcessorEvent e, CancellationToken ct)
    {
        if (await db.ProcessedWebhookEvents.AsNoTracking()
            .AnyAsync(x => x.Provider == provider && x.EventId == e.EventId, ct))
            return new(200, "Already processed.");

        var payment = await NamedPaymentAsync(e, ct);
        var record = new ProcessedWebhookEvent
        {
            Provider = provider, EventId = e.EventId, Type = e.Type, ReceivedAt = clock.GetUtcNow(),
        };
        try
        {
            if (payment is null || e.NewStatus is null)
            {
                db.ChangeTracker.Clear();
                db.ProcessedWebhookEvents.Add(record);
                await db.SaveChangesAsync(ct);
                return new(200, "Nothing to do.");
            }
            // The event's own object first (no call to the processor for an event that names the wrong payment), then
            // the processor's current one, which is what the ledger applies, and checks again in its transaction.
            var mismatch = ProcessorEventMatch.Check(payment, ProcessorClaim.Of(e));
            if (mismatch != ProcessorMismatch.None) return Refused(provider, e, payment.Id, mismatch);
            var current = await gateway.GetPaymentAsync(e.ProcessorPaymentId!, cancellationToken: ct);
            if (current is null) return Refused(provider, e, payment.Id, ProcessorMismatch.ProcessorPaymentId);
            var move = await ledger.ApplyAsync(payment.Id, PaymentReconciler.VerdictOf(current),
                d => d.ProcessedWebhookEvents.Add(record), ct);
            if (move?.Refused == true) return new(400, NotThisPayment); // the ledger logged it
            log.LogInformation("{Provider} event {EventId} ({Type}) for payment {PaymentId}: {From} → {To}",
                provider, e.EventId, e.Type, payment.Id, move?.From, move?.To);
            return new(200, "Processed.");
        }
        catch (DbUpdateException)
        {
            // The same event delivered twice at once: the unique key let one in.
            db.ChangeTracker.Clear();
            if (await db.ProcessedWebhookEvents.AsNoTracking()
                .AnyAsync(x => x.Provider == provider && x.EventId == e.EventId, ct))
                return new(200, "Already processed.");
            throw;
        }
    }

    private const string NotThisPayment = "The event does not belong to the payment it names.";

    private WebhookOutcome Refused(string provider, ProcessorEvent e, long paymentId, ProcessorMismatch mismatch)
    {
        log.LogWarning("Security: {Provider} event {EventId} ({Type}) with processor payment {ProcessorPaymentId} "
            + "is not payment {PaymentId} ({Mismatch}); refused",
            provider, e.EventId, e.Type, e.ProcessorPaymentId, paymentId, mismatch);
        return new(400, NotThisPayment);
    }

    /// <summary>The payment the event names in its metadata, else the one holding its processor payment id.</summary>
    private async Task<Payment?> NamedPaymentAsync(ProcessorEvent e, CancellationToken ct)
    {
        var payments = db.Payments.AsNoTracking();
        var portalId = e.PortalPaymentId;
        if (portalId is not null && await payments.FirstOrDefaultAsync(p => p.Id == portalId, ct) is { } named)
            return named;
        if (e.ProcessorPaymentId is { Length: > 0 } pid)
            return await payments.Where(p => p.ProcessorPaymentId == pid).OrderBy(p => p.Id).FirstOrDefaultAsync(ct);
        return null;
    }
}
