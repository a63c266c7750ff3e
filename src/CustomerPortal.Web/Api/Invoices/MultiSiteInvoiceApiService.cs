using CustomerPortal.Domain.Invoices;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Web.Api.Customers;
using Microsoft.EntityFrameworkCore;
using CustomerPortal.Web.Shared;

namespace CustomerPortal.Web.Api.Invoices;

/// <summary>
/// A multi-site ("parent") invoice and the ids of its children. The upsert makes the children exactly this list.
/// </summary>
public sealed record MultiSiteInvoiceRequest(
    string? CustomerId, string? Number, DateOnly? InvoiceDate, DateOnly? DueDate, IReadOnlyList<string>? InvoiceIds);

public sealed record MultiSiteInvoiceView(
    string Id, string CustomerId, string Number, DateOnly InvoiceDate, DateOnly DueDate, bool IsVoid,
    IReadOnlyList<string> InvoiceIds, long TotalCents, long BalanceCents);

/// <summary>
/// Multi-site invoices with their rules (make-a-payment.md, "Invoices"): children of the same customer, with the
/// parent's due date, each in at most one parent. A child of another customer or with another due date is 422; a child
/// already in another parent is 409.
/// </summary>
public sealed class MultiSiteInvoiceApiService(AppDbContext db)
{
    public const int MaxChildren = 1000;

    public async Task<(MultiSiteInvoiceView View, UpsertOutcome Outcome)> UpsertAsync(
        long companyId, string routeId, MultiSiteInvoiceRequest body, CancellationToken ct)
    {
        var errors = new ApiErrors();
        var id = ApiValidation.ExternalId(errors, "id", routeId);
        var customerId = ApiValidation.ExternalId(errors, "customerId", body.CustomerId);
        var number = ApiValidation.Text(errors, "number", body.Number, 50);
        if (body.InvoiceDate is null) errors.Add("invoiceDate", "The invoice date is required.");
        if (body.DueDate is null) errors.Add("dueDate", "The due date is required.");
        if (body.InvoiceDate is { } d1 && body.DueDate is { } d2 && d2 < d1)
            errors.Rule("dueDate", "The due date cannot be before the invoice date.");
        var childIds = new List<(int Index, string Id)>();
        if (body.InvoiceIds is null) errors.Add("invoiceIds", "List the ids of the child invoices (it may be empty).");
        else if (body.InvoiceIds.Count > MaxChildren)
            errors.Add("invoiceIds", $"At most {MaxChildren:N0} child invoices.");
        else
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < body.InvoiceIds.Count; i++)
            {
                var childId = ApiValidation.ExternalId(errors, $"invoiceIds[{i}]", body.InvoiceIds[i]);
                if (childId is null) continue;
                if (!seen.Add(childId)) errors.Add($"invoiceIds[{i}]", $"Invoice '{childId}' is listed twice.");
                else childIds.Add((i, childId));
            }
        }
        errors.ThrowIfAny();

        var customer = await db.Customers.AsNoTracking()
            .Where(c => c.CompanyId == companyId && c.ExternalId == customerId)
            .Select(c => new { c.Id }).SingleOrDefaultAsync(ct);
        if (customer is null)
        {
            errors.Rule("customerId", $"No customer with id '{customerId}'. Send the customer first.");
            errors.ThrowIfAny();
        }

        var parent = await (from m in db.MultiSiteInvoices
                            join c in db.Customers on m.CustomerId equals c.Id
                            where c.CompanyId == companyId && m.ExternalId == id
                            orderby m.Id
                            select m).FirstOrDefaultAsync(ct);
        if (parent is not null)
        {
            if (parent.CustomerId != customer!.Id)
                throw ApiProblem.Conflict($"Multi-site invoice '{id}' belongs to another customer.");
            if (parent.IsVoid) throw ApiProblem.Conflict($"Multi-site invoice '{id}' is void and cannot be changed.");
            if (parent.Number != number || parent.InvoiceDate != body.InvoiceDate || parent.DueDate != body.DueDate)
            {
                throw ApiProblem.Conflict($"The number and dates of multi-site invoice '{id}' cannot change once sent; "
                    + "void it and send a new one.");
            }
        }

        var wanted = childIds.Select(c => c.Id).ToList();
        var children = await (from i in db.Invoices
                              join c in db.Customers on i.CustomerId equals c.Id
                              where c.CompanyId == companyId && wanted.Contains(i.ExternalId)
                              select i).ToListAsync(ct);
        var byId = children
            .GroupBy(i => i.ExternalId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var (index, childId) in childIds)
        {
            var field = $"invoiceIds[{index}]";
            if (!byId.TryGetValue(childId, out var child))
            {
                errors.Rule(field, $"No invoice with id '{childId}'.");
                continue;
            }
            if (child.CustomerId != customer!.Id)
            {
                errors.Rule(field,
                    $"Invoice {child.Number} belongs to another customer than multi-site invoice {number}.");
            }
            else if (child.DueDate != body.DueDate)
            {
                errors.Rule(field, $"Invoice {child.Number} is due {child.DueDate:yyyy-MM-dd}, "
                    + $"but multi-site invoice {number} is due {body.DueDate:yyyy-MM-dd}.");
            }
            else if (child.IsVoid) errors.Rule(field, $"Invoice {child.Number} is void.");
            else if (child.MultiSiteInvoiceId is not null && child.MultiSiteInvoiceId != parent?.Id)
                errors.Conflict(field, $"Invoice {child.Number} already belongs to another multi-site invoice.");
        }
        errors.ThrowIfAny();

        var outcome = parent is null ? UpsertOutcome.Created : UpsertOutcome.Unchanged;
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (parent is null)
            {
                parent = new MultiSiteInvoice(customer!.Id, id!, number!, body.InvoiceDate!.Value, body.DueDate!.Value);
                db.MultiSiteInvoices.Add(parent);
                await db.SaveChangesAsync(ct);
            }
            var current = await db.Invoices.Where(i => i.MultiSiteInvoiceId == parent.Id).ToListAsync(ct);
            foreach (var gone in current.Where(c => !byId.ContainsKey(c.ExternalId)))
            {
                parent.Release(gone);
                if (outcome == UpsertOutcome.Unchanged) outcome = UpsertOutcome.Updated;
            }
            foreach (var child in byId.Values.Where(c => c.MultiSiteInvoiceId != parent.Id))
            {
                parent.Adopt(child);
                if (outcome == UpsertOutcome.Unchanged) outcome = UpsertOutcome.Updated;
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        });
        return (await GetAsync(companyId, id!, ct), outcome);
    }

    public async Task<MultiSiteInvoiceView> GetAsync(long companyId, string routeId, CancellationToken ct)
    {
        var id = ApiValidation.RouteId(routeId, "multi-site invoice");
        var row = await (from m in db.MultiSiteInvoices.AsNoTracking()
                         join c in db.Customers on m.CustomerId equals c.Id
                         where c.CompanyId == companyId && m.ExternalId == id
                         orderby m.Id
                         select new
                         {
                             m.ExternalId, CustomerId = c.ExternalId, m.Number, m.InvoiceDate, m.DueDate, m.IsVoid,
                             Children = db.Invoices
                                 .Where(i => i.MultiSiteInvoiceId == m.Id)
                                 .OrderBy(i => i.Id)
                                 .Select(i => new { i.ExternalId, i.TotalCents, i.BalanceCents, i.IsVoid })
                                 .ToList(),
                         }).FirstOrDefaultAsync(ct)
            ?? throw ApiProblem.NotFound($"No multi-site invoice with id '{id}'.");
        var open = row.Children.Where(c => !c.IsVoid).ToList();
        return new MultiSiteInvoiceView(
            row.ExternalId, row.CustomerId, row.Number, row.InvoiceDate, row.DueDate, row.IsVoid,
            row.Children.Select(c => c.ExternalId).ToList(),
            open.Sum(c => c.TotalCents),
            open.Sum(c => c.BalanceCents));
    }
}
