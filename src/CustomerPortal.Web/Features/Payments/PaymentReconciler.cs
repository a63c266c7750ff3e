using System.Collections.Concurrent;
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
/// tokens), only wasteful. Each payment is settled on its own: when the processor's API or the database fails for one,
/// that one is logged and waits (<see cref="ReconcileBackoff"/>) while the pass goes on with the others.
/// </summary>
public sealed class PaymentReconciler(AppDbContext db, IPaymentGateway gateway, PaymentLedger ledger, JobLeases leases,
    TimeProvider clock, IOptions<PaymentsOptions> options, ReconcileBackoff backoff, ILogger<PaymentReconciler> log)
{
    public const string LeaseName = "payments-reconciler";
    public const string NotChargedCode = "not_charged";
    public const string NotChargedMessage =
        "The payment could not be completed and nothing was charged. Please try again.";
    private const int BatchSize = 200;

    /// <summary>The processor's record of a payment as a verdict, with the claim the ledger matches it by.</summary>
    public static ProcessorVerdict VerdictOf(ProcessorPayment p) =>
        new(p.Outcome.ToPaymentStatus(), p.ProcessorPaymentId, p.FailureCode, p.FailureMessage, p.NextActionUrl,
            ProcessorClaim.Of(p));

    /// <summary>One pass. Returns how many payments moved, or null when another process holds the lease.</summary>
    public async Task<int?> RunOnceAsync(string holder, CancellationToken ct = default)
    {
        var o = options.Value;
        if (!await leases.TryAcquireAsync(LeaseName, holder, o.LeaseDuration, ct)) return null;
        var now = clock.GetUtcNow();
        var threshold = now - o.ReconcileAfter;
        // Payments waiting after a failure stay out of the batch, so a batch full of them cannot starve the others.
        var waiting = backoff.Waiting(now);
        var candidates = await db.Payments.AsNoTracking()
            .Where(p => (p.Status == PaymentStatus.Submitted || p.Status == PaymentStatus.Unknown
                         || p.Status == PaymentStatus.Processing || p.Status == PaymentStatus.RequiresAction)
                        && p.UpdatedAt < threshold)
            .Where(p => !waiting.Contains(p.Id))
            .OrderBy(p => p.UpdatedAt).Take(BatchSize)
            .Select(p => new Candidate(p.Id, p.Status, p.IdempotencyKey, p.ProcessorPaymentId, p.CustomerId,
                p.UpdatedAt))
            .ToListAsync(ct);
        var moved = 0;
        foreach (var c in candidates)
        {
            LedgerMove? move;
            try
            {
                move = await ReconcileAsync(c, now, ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                var next = backoff.Failed(c.Id, now);
                log.LogWarning(ex, "Reconciler could not settle payment {PaymentId}; next attempt after {NextAttempt}",
                    c.Id, next);
                continue;
            }
            if (move?.Refused == true)
            {
                backoff.Failed(c.Id, now); // the ledger logged it; do not ask again every pass
                continue;
            }
            backoff.Succeeded(c.Id);
            if (move?.Moved == true)
            {
                moved++;
                log.LogInformation("Reconciled payment {PaymentId}: {From} → {To}", c.Id, move.From, move.To);
            }
        }
        return moved;
    }

    private sealed record Candidate(long Id, PaymentStatus Status, string IdempotencyKey, string? ProcessorPaymentId,
        long CustomerId, DateTimeOffset UpdatedAt);

    /// <summary>One payment: ask the processor, apply its answer. Throws if the processor or database fails.</summary>
    private async Task<LedgerMove?> ReconcileAsync(Candidate c, DateTimeOffset now, CancellationToken ct)
    {
        ProcessorPayment? found;
        if (c.ProcessorPaymentId is { } pid) found = await gateway.GetPaymentAsync(pid, cancellationToken: ct);
        else
        {
            var processorCustomer = await db.Customers.AsNoTracking().Where(x => x.Id == c.CustomerId)
                .Select(x => x.ProcessorCustomerId).SingleOrDefaultAsync(ct);
            found = await gateway.FindPaymentAsync(new PaymentLookup(c.IdempotencyKey, c.Id, processorCustomer), ct);
        }
        if (found is not null) return await ledger.ApplyAsync(c.Id, VerdictOf(found), ct: ct);
        var neverSeen = c.Status is PaymentStatus.Submitted or PaymentStatus.Unknown;
        if (!neverSeen || c.UpdatedAt >= now - options.Value.GiveUpAfter) return null;
        var notCharged = new ProcessorVerdict(PaymentStatus.Failed, null, NotChargedCode, NotChargedMessage);
        return await ledger.ApplyAsync(c.Id, notCharged, ct: ct);
    }
}

/// <summary>
/// When the reconciler may next try a payment whose last attempt failed (the processor's API or the database threw):
/// one <see cref="PaymentsOptions.JobInterval"/> after the first failure, twice as long after each further one, at most
/// <see cref="MaxDelay"/>. Kept in memory (a singleton): a restart, or another process taking over the lease, tries
/// such a payment at once, which is safe (the ledger makes a repeated answer a no-op) and costs one call.
/// </summary>
public sealed class ReconcileBackoff(IOptions<PaymentsOptions> options)
{
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(30);

    private readonly ConcurrentDictionary<long, (int Failures, DateTimeOffset NextAttempt)> _failed = new();

    /// <summary>Payments still waiting at <paramref name="now"/> (forgets those whose wait ended long ago).</summary>
    public long[] Waiting(DateTimeOffset now)
    {
        foreach (var (id, entry) in _failed)
            if (entry.NextAttempt + MaxDelay < now) _failed.TryRemove(id, out _);
        return _failed.Where(x => x.Value.NextAttempt > now).Select(x => x.Key).ToArray();
    }

    /// <summary>Records a failure; returns when the payment may be tried again.</summary>
    public DateTimeOffset Failed(long paymentId, DateTimeOffset now) => _failed.AddOrUpdate(paymentId,
        _ => (1, now + Delay(1)), (_, e) => (e.Failures + 1, now + Delay(e.Failures + 1))).NextAttempt;

    public void Succeeded(long paymentId) => _failed.TryRemove(paymentId, out _);

    private TimeSpan Delay(int failures)
    {
        var delay = options.Value.JobInterval * Math.Pow(2, Math.Min(failures - 1, 20));
        return delay < MaxDelay ? delay : MaxDelay;
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
