using System.Globalization;
using CustomerPortal.Domain;
using CustomerPortal.Domain.Companies;
using CustomerPortal.Domain.Payments;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Web.Features.Payments;
using CustomerPortal.Web.Shared;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Api.Payments;

/// <summary>
/// The payment engine behind <c>POST /api/v1/customers/{id}/payment-methods/{methodId}/charges</c>: checks what only
/// the engine can (plan, the method still usable, the invoices payable), then hands the charge to
/// <see cref="PaymentService.SubmitChargeAsync"/>, the same write-ahead, processor call and ledger as the portal's Pay
/// button, off-session, with the key namespaced <c>api-{companyId}-{key}</c> so it can never meet a portal key.
/// </summary>
public sealed class BackOfficeChargeService(AppDbContext db, PaymentService payments, TimeProvider clock)
{
    public static string PaymentKey(long companyId, string key) =>
        string.Create(CultureInfo.InvariantCulture, $"api-{companyId}-{key}");

    public async Task<BackOfficeChargeResult> ChargeAsync(BackOfficeCharge charge, CancellationToken ct)
    {
        var company = await db.Companies.AsNoTracking().SingleAsync(c => c.Id == charge.CompanyId, ct);
        if (!ProPlan.MayPayOnline(company.Plan)) throw ApiProPlan.NotEnabled(company.Name);

        var key = PaymentKey(charge.CompanyId, charge.IdempotencyKey);
        if (await ReplayAsync(key, charge, ct) is { } replay) return replay;
        try
        {
            return await ChargeOnceAsync(charge, company, key, ct);
        }
        catch (ApiProblem)
        {
            // A request with the same key paid these invoices while this one was checking them (so they looked paid or
            // pending): that payment is the answer, not a refusal.
            if (await ReplayAsync(key, charge, ct) is { } made) return made;
            throw;
        }
    }

    private async Task<BackOfficeChargeResult> ChargeOnceAsync(BackOfficeCharge charge, Company company, string key,
        CancellationToken ct)
    {

        var method = await db.SavedPaymentMethods.AsNoTracking()
            .SingleOrDefaultAsync(m => m.Id == charge.SavedPaymentMethodId && m.CustomerId == charge.CustomerId, ct)
            ?? throw ApiProblem.NotFound($"No saved payment method {charge.SavedPaymentMethodId} for this customer.");
        if (method.RemovedAt is not null)
            throw Rule("methodId",
                $"Payment method {method.Id} ({method.Summary}) was removed by the customer and cannot be charged.");
        if (method.IsReturned)
            throw Rule("methodId", $"Payment method {method.Id} ({method.Summary}) was returned by the customer's bank "
                + $"({Domain.Payments.Gateway.AchReturn.Of(method.ReturnCode)?.CodeAndReason}) and cannot be charged "
                + "until the customer adds the account again.");
        if (method.IsExpiredOn(Company.TodayIn(company.TimeZoneId, clock)))
            throw Rule("methodId", $"That card ({method.Summary}) expired at the end of "
                + $"{method.ExpMonth:00}/{method.ExpYear}. Charge another payment method.");

        PlanRequest plan;
        if (charge.InvoiceExternalIds.Count > 0)
        {
            var (ids, balance) = await PayableInvoicesAsync(charge, ct);
            if (charge.AmountCents is { } expected && expected != balance)
                throw Rule("amountCents",
                    $"The balances of these invoices add up to {balance} cents ({Money.FromCents(balance).Format()}), "
                    + $"not {expected}. Send their total, or leave amountCents out.");
            plan = PlanRequest.Invoices(charge.CustomerId, ids);
        }
        else
        {
            plan = PlanRequest.Amount(charge.CustomerId, charge.AmountCents ?? 0);
        }

        var order = new ChargeOrder(charge.CompanyId, charge.CustomerId, company.Name, company.TimeZoneId, plan,
            charge.AmountCents, key,
            PaymentSource.BackOffice, charge.SubmittedBy, OffSession: true, SetupFutureUsage: false, Client: null);
        var submitted = await payments.SubmitChargeAsync(order, PaymentService.ResolvedMethod.FromSaved(method), ct);
        if (submitted.Outcome.PaymentId is not { } paymentId)
        {
            var message = submitted.Outcome.Message ?? "The charge could not be made.";
            throw submitted.Outcome.StatusCode == StatusCodes.Status409Conflict
                ? ApiProblem.Conflict(message)
                : Rule(charge.InvoiceExternalIds.Count > 0 ? "invoiceIds" : "amountCents", message);
        }
        if (submitted.Existing)
        {
            // A request with the same key made it between our check and the write-ahead: the same answer, if the same
            // charge.
            return await ReplayAsync(key, charge, ct) ?? new BackOfficeChargeResult(paymentId, true);
        }
        return new BackOfficeChargeResult(paymentId, false);
    }

    /// <summary>
    /// The payment this key already made, when the request asks for the same charge (customer, method, amount,
    /// invoices); a different charge under a used key is refused (422) rather than answered with someone else's
    /// payment.
    /// </summary>
    private async Task<BackOfficeChargeResult?> ReplayAsync(string key, BackOfficeCharge charge, CancellationToken ct)
    {
        var existing = await db.Payments.AsNoTracking().Where(p => p.IdempotencyKey == key)
            .Select(p => new
            {
                p.Id, p.CustomerId, p.SavedPaymentMethodId, p.AmountCents,
                Invoices = (from a in db.PaymentAllocations
                            join i in db.Invoices on a.InvoiceId equals i.Id
                            where a.PaymentId == p.Id
                            select i.ExternalId).ToList(),
            })
            .SingleOrDefaultAsync(ct);
        if (existing is null) return null;
        var same = existing.CustomerId == charge.CustomerId
                   && existing.SavedPaymentMethodId == charge.SavedPaymentMethodId
                   && (charge.AmountCents is not { } amount || amount == existing.AmountCents)
                   && (charge.InvoiceExternalIds.Count == 0 || existing.Invoices.ToHashSet(StringComparer.Ordinal)
                       .SetEquals(charge.InvoiceExternalIds));
        if (!same)
            throw new ApiProblem(StatusCodes.Status422UnprocessableEntity, "Idempotency key already used",
                $"The Idempotency-Key '{ApiValidation.Shorten(charge.IdempotencyKey)}' was already used for a "
                + $"different charge (payment {existing.Id}). Use a new key for a new charge.");
        return new BackOfficeChargeResult(existing.Id, true);
    }

    /// <summary>
    /// The portal ids of the named invoices and their balance; each must be this customer's and have something to pay.
    /// </summary>
    private async Task<(List<long> Ids, long BalanceCents)> PayableInvoicesAsync(BackOfficeCharge charge,
        CancellationToken ct)
    {
        var wanted = charge.InvoiceExternalIds;
        var found = await db.Invoices.AsNoTracking()
            .Where(i => i.CustomerId == charge.CustomerId && wanted.Contains(i.ExternalId))
            .Select(i => new { i.Id, i.ExternalId, i.Number, i.IsVoid, i.TotalCents, i.PaidCents, i.BalanceCents })
            .ToDictionaryAsync(i => i.ExternalId, StringComparer.Ordinal, ct);
        var missing = wanted.Where(id => !found.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            var named = string.Join(", ", missing.Take(10).Select(m => $"'{ApiValidation.Shorten(m)}'"));
            throw ApiProblem.NotFound($"No invoice {named} for this customer.");
        }

        var errors = new ApiErrors();
        for (var n = 0; n < wanted.Count; n++)
        {
            var i = found[wanted[n]];
            var field = $"invoiceIds[{n}]";
            if (i.IsVoid) errors.Rule(field, $"Invoice {i.Number} is void.");
            else if (i.PaidCents >= i.TotalCents) errors.Rule(field, $"Invoice {i.Number} is already paid.");
            else if (i.BalanceCents <= 0) errors.Rule(field,
                $"Invoice {i.Number} has a payment pending for the rest of its balance; nothing is left to pay.");
        }
        errors.ThrowIfAny(errors.Fields.Count() == 1 ? null : "Some invoices cannot be paid; nothing was charged.");
        return (wanted.Select(id => found[id].Id).ToList(), wanted.Sum(id => found[id].BalanceCents));
    }

    private static ApiProblem Rule(string field, string message)
    {
        var errors = new ApiErrors();
        errors.Rule(field, message);
        return errors.ToProblem(message);
    }
}
