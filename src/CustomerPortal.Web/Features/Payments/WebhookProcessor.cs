using CustomerPortal.Domain.Payments;
using CustomerPortal.Domain.Payments.Gateway;
using CustomerPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Features.Payments;

/// <summary>
/// What a webhook delivery came to: 400 for anything not verified, 503 when it could not be handled now (the processor
/// sends it again), 200 otherwise (also for duplicates).
/// </summary>
public sealed record WebhookOutcome(int StatusCode, string Message)
{
    public bool IsRetryLater => StatusCode == StatusCodes.Status503ServiceUnavailable;
}

/// <summary>
/// Handles a processor event (payments.md, "Processor events"): the signature is checked on the raw body by the
/// gateway (300 s tolerance); the event id is stored under its unique key in the same transaction as its effect; the
/// effect is the processor's current view of the payment (re-read), so a late or out-of-order event cannot move a
/// payment backwards, and the state machine ignores what it has already seen. When the processor's API or the database
/// fails while a verified event is handled, nothing is stored and the answer is 503: the processor retries.
/// </summary>
public sealed class WebhookProcessor(AppDbContext db, IPaymentGateway gateway, PaymentLedger ledger, TimeProvider clock, ILogger<WebhookProcessor> log)
{
    public const int MaxBodyBytes = 256 * 1024;

    /// <summary>How long a processor is asked to wait before sending again an event answered with 503.</summary>
    public const int RetryAfterSeconds = 30;

    public async Task<WebhookOutcome> HandleAsync(string provider, string rawBody, string? signatureHeader, CancellationToken ct = default)
    {
        if (!string.Equals(provider, gateway.Name, StringComparison.Ordinal)) return new(404, "No such webhook.");
        var parsed = gateway.ParseWebhook(rawBody, signatureHeader);
        if (parsed.Event is not { } e)
        {
            log.LogWarning("Rejected {Provider} webhook: {Reason}", provider, parsed.RejectionReason);
            return new(400, parsed.RejectionReason ?? "The event was rejected.");
        }
        if (string.IsNullOrWhiteSpace(e.EventId) || e.EventId.Length > 100) return new(400, "The event id is malformed.");
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
            return new(StatusCodes.Status503ServiceUnavailable, "The event could not be handled now. Send it again later.");
        }
    }

    private async Task<WebhookOutcome> HandleVerifiedAsync(string provider, ProcessorEvent e, CancellationToken ct)
    {
        if (await db.ProcessedWebhookEvents.AsNoTracking().AnyAsync(x => x.Provider == provider && x.EventId == e.EventId, ct))
            return new(200, "Already processed.");

        var paymentId = await FindPaymentAsync(e, ct);
        var record = new ProcessedWebhookEvent { Provider = provider, EventId = e.EventId, Type = e.Type, ReceivedAt = clock.GetUtcNow() };
        try
        {
            if (paymentId is null || e.NewStatus is null)
            {
                db.ChangeTracker.Clear();
                db.ProcessedWebhookEvents.Add(record);
                await db.SaveChangesAsync(ct);
                return new(200, "Nothing to do.");
            }
            var verdict = await CurrentVerdictAsync(e, ct);
            var move = await ledger.ApplyAsync(paymentId.Value, verdict, d => d.ProcessedWebhookEvents.Add(record), ct);
            log.LogInformation("{Provider} event {EventId} ({Type}) for payment {PaymentId}: {From} → {To}",
                provider, e.EventId, e.Type, paymentId, move?.From, move?.To);
            return new(200, "Processed.");
        }
        catch (DbUpdateException)
        {
            // The same event delivered twice at once: the unique key let one in.
            db.ChangeTracker.Clear();
            if (await db.ProcessedWebhookEvents.AsNoTracking().AnyAsync(x => x.Provider == provider && x.EventId == e.EventId, ct))
                return new(200, "Already processed.");
            throw;
        }
    }

    private async Task<long?> FindPaymentAsync(ProcessorEvent e, CancellationToken ct)
    {
        if (e.PortalPaymentId is { } portalId)
        {
            var row = await db.Payments.AsNoTracking().Where(p => p.Id == portalId).Select(p => new { p.Id, p.ProcessorPaymentId }).SingleOrDefaultAsync(ct);
            if (row is not null && (row.ProcessorPaymentId is null || row.ProcessorPaymentId == e.ProcessorPaymentId)) return row.Id;
        }
        if (e.ProcessorPaymentId is { Length: > 0 } pid)
            return await db.Payments.AsNoTracking().Where(p => p.ProcessorPaymentId == pid).Select(p => (long?)p.Id).FirstOrDefaultAsync(ct);
        return null;
    }

    /// <summary>
    /// The processor's object as it is now; the event itself when the processor does not know the id. A failure to ask
    /// is not hidden: it ends in a 503, so the processor sends the event again.
    /// </summary>
    private async Task<ProcessorVerdict> CurrentVerdictAsync(ProcessorEvent e, CancellationToken ct)
    {
        if (e.ProcessorPaymentId is { Length: > 0 } pid
            && await gateway.GetPaymentAsync(pid, cancellationToken: ct) is { } current)
            return PaymentReconciler.VerdictOf(current);
        return new ProcessorVerdict(e.NewStatus!.Value, e.ProcessorPaymentId, e.FailureCode,
            e.FailureMessage ?? (e.FailureCode is null ? null : FailureMessages.For(e.FailureCode)));
    }
}
