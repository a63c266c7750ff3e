using CustomerPortal.Domain.Payments.Gateway;
using CustomerPortal.Infrastructure.Payments.Sandbox;

namespace CustomerPortal.Web.Features.Payments;

/// <summary>
/// Plays the sandbox processor's own servers: settles ACH debits whose delay has passed and delivers its signed events
/// to the portal's webhook handler (the same code POST /webhooks/sandbox runs, signature check included), marking each
/// delivered once it was accepted. Does nothing with Stripe, which delivers its own events.
/// </summary>
public sealed class SandboxRelay(IPaymentGateway gateway, WebhookProcessor webhooks, TimeProvider clock,
    ILogger<SandboxRelay> log)
{
    public async Task<int> RunOnceAsync(CancellationToken ct = default)
    {
        if (gateway is not SandboxProcessor sandbox) return 0;
        await sandbox.SettleDueAsync(clock.GetUtcNow(), ct);
        var delivered = 0;
        for (var round = 0; round < 20; round++)
        {
            var events = await sandbox.GetPendingEventsAsync(100, ct);
            if (events.Count == 0) break;
            var accepted = 0;
            foreach (var e in events)
            {
                var outcome = await webhooks.HandleAsync(sandbox.Name, e.Body, e.SignatureHeader, ct);
                if (outcome.StatusCode is >= 200 and < 300)
                {
                    await sandbox.MarkEventDeliveredAsync(e.EventId, ct);
                    accepted++;
                }
                else
                    log.LogWarning("Sandbox event {EventId} refused: {Status} {Message}",
                        e.EventId, outcome.StatusCode, outcome.Message);
            }
            delivered += accepted;
            if (accepted == 0) break;
        }
        return delivered;
    }
}
