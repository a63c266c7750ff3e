using CustomerPortal.Domain.Payments;
using CustomerPortal.Domain.Payments.Gateway;
using CustomerPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CustomerPortal.Web.Features.Payments;

/// <summary>
/// Settles payments the request that made them could not finish (payments.md, "Reconciliation"): submitted (the process
/// died around the charge), unknown (timeout, 5xx, lost answer), processing (ACH, when an event was lost) and waiting
/// for authentication. It asks the processor by stored id, or by idempotency key when the id never reached us, and
/// applies the answer through <see cref="PaymentLedger"/>. A payment the processor never saw is failed (nothing was
/// charged) once it is older than <see cref="PaymentsOptions.GiveUpAfter"/>.
/// One process at a time holds the lease; two at once would still be safe (the ledger's state machine and Version
/// tokens), only wasteful.
/// </summary>
public sealed class PaymentReconciler(AppDbContext db, IPaymentGateway gateway, PaymentLedger ledger, JobLeases leases, TimeProvider clock,
    IOptions<PaymentsOptions> options, ILogger<PaymentReconciler> log)
{
    public const string LeaseName = "payments-reconciler";
    public const string NotChargedCode = "not_charged";
    public const string NotChargedMessage = "The payment could not be completed and nothing was charged. Please try again.";
    private const int BatchSize = 200;

    public static ProcessorVerdict VerdictOf(ProcessorPayment p) =>
        new(p.Outcome.ToPaymentStatus(), p.ProcessorPaymentId, p.FailureCode, p.FailureMessage, p.NextActionUrl);

    /// <summary>One pass. Returns how many payments moved, or null when another process holds the lease.</summary>
    public async Task<int?> RunOnceAsync(string holder, CancellationToken ct = default)
    {
        var o = options.Value;
        if (!await leases.TryAcquireAsync(LeaseName, holder, o.LeaseDuration, ct)) return null;
        var now = clock.GetUtcNow();
        var threshold = now - o.ReconcileAfter;
        var candidates = await db.Payments.AsNoTracking()
            .Where(p => (p.Status == PaymentStatus.Submitted || p.Status == PaymentStatus.Unknown || p.Status == PaymentStatus.Processing
                         || p.Status == PaymentStatus.RequiresAction) && p.UpdatedAt < threshold)
            .OrderBy(p => p.UpdatedAt).Take(BatchSize)
            .Select(p => new { p.Id, p.Status, p.IdempotencyKey, p.ProcessorPaymentId, p.CustomerId, p.UpdatedAt })
            .ToListAsync(ct);
        var moved = 0;
        foreach (var c in candidates)
        {
            ProcessorPayment? found;
            try
            {
                if (c.ProcessorPaymentId is { } pid) found = await gateway.GetPaymentAsync(pid, cancellationToken: ct);
                else
                {
                    var processorCustomer = await db.Customers.AsNoTracking().Where(x => x.Id == c.CustomerId).Select(x => x.ProcessorCustomerId).SingleOrDefaultAsync(ct);
                    found = await gateway.FindPaymentAsync(new PaymentLookup(c.IdempotencyKey, c.Id, processorCustomer), ct);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TimeoutException or TaskCanceledException)
            {
                log.LogWarning(ex, "Reconciler could not ask the processor about payment {PaymentId}; next pass", c.Id);
                continue;
            }

            LedgerMove? move = null;
            if (found is not null)
                move = await ledger.ApplyAsync(c.Id, VerdictOf(found), ct: ct);
            else if (c.Status is PaymentStatus.Submitted or PaymentStatus.Unknown && c.UpdatedAt < now - o.GiveUpAfter)
                move = await ledger.ApplyAsync(c.Id, new ProcessorVerdict(PaymentStatus.Failed, null, NotChargedCode, NotChargedMessage), ct: ct);
            if (move?.Moved == true)
            {
                moved++;
                log.LogInformation("Reconciled payment {PaymentId}: {From} → {To}", c.Id, move.From, move.To);
            }
        }
        return moved;
    }
}

/// <summary>Leases on the shared database: one holder per job at a time, taken over when it expires.</summary>
public sealed class JobLeases(AppDbContext db, TimeProvider clock)
{
    public async Task<bool> TryAcquireAsync(string name, string holder, TimeSpan duration, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var until = now + duration;
        // One atomic UPDATE: of two processes racing for an expired lease only one sees its row change.
        var taken = await db.JobLeases.Where(l => l.Name == name && (l.Holder == holder || l.ExpiresAt < now))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, holder).SetProperty(l => l.ExpiresAt, until), ct);
        if (taken == 1) return true;
        if (await db.JobLeases.AsNoTracking().AnyAsync(l => l.Name == name, ct)) return false;
        try
        {
            db.JobLeases.Add(new JobLease { Name = name, Holder = holder, ExpiresAt = until });
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return false; // another process created it first
        }
    }
}
