using CustomerPortal.Domain;
using CustomerPortal.Domain.Companies;
using CustomerPortal.Domain.Invoices;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Web.Api.Customers;
using Microsoft.EntityFrameworkCore;
using CustomerPortal.Web.Shared;

namespace CustomerPortal.Web.Api.Invoices;

public sealed record InvoiceLineRequest(
    string? Description, decimal? Quantity, long? UnitPriceCents, long? AmountCents);

/// <summary>
/// An invoice as the back office sends it. <see cref="SubtotalCents"/> is optional; when sent it must equal the sum of
/// the lines. <see cref="TotalCents"/> is required and must equal the lines plus tax: the API refuses totals that do
/// not add up rather than trusting either side.
/// </summary>
public sealed record InvoiceRequest(
    string? Id, string? CustomerId, string? SiteId, string? Number, DateOnly? InvoiceDate, DateOnly? DueDate,
    IReadOnlyList<InvoiceLineRequest>? Lines, long? SubtotalCents, long? TaxCents, long? TotalCents);

public sealed record InvoiceBatchRequest(IReadOnlyList<InvoiceRequest>? Invoices);

public sealed record InvoiceLineView(
    int LineNumber, string Description, decimal Quantity, long UnitPriceCents, long AmountCents);

public sealed record InvoiceView(
    string Id, string CustomerId, string? SiteId, string? MultiSiteInvoiceId, string Number, DateOnly InvoiceDate,
    DateOnly DueDate,
    string Status, IReadOnlyList<InvoiceLineView> Lines, long SubtotalCents, long TaxCents, long TotalCents,
    long PaidCents, long PendingCents, long BalanceCents, bool IsVoid);

public sealed record InvoiceBatchItemResult(string Id, UpsertOutcome Outcome);

public sealed record InvoiceBatchResult(
    int Created, int Updated, int Unchanged, IReadOnlyList<InvoiceBatchItemResult> Items);

/// <summary>
/// Invoices by the back office's ids, unique within a company. One upsert path serves the single PUT and the batch:
/// every item is checked, then all are written in one transaction, or none when any item has a problem.
/// </summary>
public sealed class InvoiceApiService(AppDbContext db, TimeProvider clock)
{
    public const int MaxBatchSize = 1000;
    public const int MaxLines = 500;

    public async Task<InvoiceBatchResult> UpsertManyAsync(
        long companyId, InvoiceBatchRequest body, CancellationToken ct)
    {
        var errors = new ApiErrors();
        var items = body.Invoices;
        if (items is null || items.Count == 0) throw ApiProblem.Invalid("invoices", "Send at least one invoice.");
        if (items.Count > MaxBatchSize)
        {
            throw ApiProblem.Invalid("invoices",
                $"At most {MaxBatchSize:N0} invoices in one batch; this one has {items.Count:N0}.");
        }

        var checkedItems = new List<CheckedInvoice>(items.Count);
        var firstIndexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var prefix = $"invoices[{i}].";
            var item = items[i] ?? throw ApiProblem.Invalid($"invoices[{i}]", "An invoice cannot be null.");
            var id = ApiValidation.ExternalId(errors, prefix + "id", item.Id);
            if (id is not null && !firstIndexOf.TryAdd(id, i))
            {
                errors.Add(prefix + "id", $"Invoice id '{id}' appears more than once in this batch "
                    + $"(first at invoices[{firstIndexOf[id]}]).");
            }
            var ok = Check(item, id, prefix, errors);
            if (ok is not null) checkedItems.Add(ok);
        }
        errors.ThrowIfAny(BatchSummary(errors, items.Count));

        var outcomes = await ApplyAsync(companyId, checkedItems, errors, ct);
        errors.ThrowIfAny(BatchSummary(errors, items.Count));
        await db.SaveChangesAsync(ct);

        return new InvoiceBatchResult(
            outcomes.Count(o => o.Outcome == UpsertOutcome.Created),
            outcomes.Count(o => o.Outcome == UpsertOutcome.Updated),
            outcomes.Count(o => o.Outcome == UpsertOutcome.Unchanged),
            outcomes);
    }

    public async Task<(InvoiceView View, UpsertOutcome Outcome)> UpsertOneAsync(
        long companyId, string routeId, InvoiceRequest body, CancellationToken ct)
    {
        var errors = new ApiErrors();
        var id = ApiValidation.ExternalId(errors, "id", routeId);
        if (body.Id is not null && body.Id != routeId)
            errors.Add("id", "The id in the body differs from the id in the URL.");
        var ok = Check(body, id, "", errors);
        errors.ThrowIfAny();

        var outcomes = await ApplyAsync(companyId, [ok!], errors, ct);
        errors.ThrowIfAny();
        await db.SaveChangesAsync(ct);
        return (await GetAsync(companyId, id!, ct), outcomes[0].Outcome);
    }

    public async Task<InvoiceView> GetAsync(long companyId, string routeId, CancellationToken ct)
    {
        var id = ApiValidation.RouteId(routeId, "invoice");
        var row = await (from i in db.Invoices.AsNoTracking()
                         join c in db.Customers on i.CustomerId equals c.Id
                         join co in db.Companies on c.CompanyId equals co.Id
                         where c.CompanyId == companyId && i.ExternalId == id
                         orderby i.Id
                         select new
                         {
                             i.ExternalId, CustomerId = c.ExternalId, co.TimeZoneId,
                             SiteId = db.Sites.Where(s => s.Id == i.SiteId).Select(s => s.ExternalId).FirstOrDefault(),
                             ParentId = db.MultiSiteInvoices
                                 .Where(m => m.Id == i.MultiSiteInvoiceId)
                                 .Select(m => m.ExternalId)
                                 .FirstOrDefault(),
                             i.Number, i.InvoiceDate, i.DueDate, i.SubtotalCents, i.TaxCents, i.TotalCents,
                             i.PaidCents, i.PendingCents, i.BalanceCents, i.IsVoid,
                             Lines = i.Lines.OrderBy(l => l.LineNumber)
                                 .Select(l => new InvoiceLineView(
                                     l.LineNumber, l.Description, l.Quantity, l.UnitPriceCents, l.AmountCents))
                                 .ToList(),
                         }).FirstOrDefaultAsync(ct)
            ?? throw ApiProblem.NotFound($"No invoice with id '{id}'.");
        var today = Company.TodayIn(row.TimeZoneId, clock);
        var status = InvoiceStatusRules.Of(
            row.TotalCents, row.PaidCents, row.PendingCents, row.DueDate, row.IsVoid, today);
        return new InvoiceView(row.ExternalId, row.CustomerId, row.SiteId, row.ParentId, row.Number, row.InvoiceDate,
            row.DueDate, status.ToString(), row.Lines, row.SubtotalCents, row.TaxCents, row.TotalCents, row.PaidCents,
            row.PendingCents, row.BalanceCents, row.IsVoid);
    }

    /// <summary>
    /// Voids an invoice; voiding a void invoice again is a no-op. Refused once money has been applied.
    /// </summary>
    public async Task<InvoiceView> VoidAsync(long companyId, string routeId, CancellationToken ct)
    {
        var id = ApiValidation.RouteId(routeId, "invoice");
        var invoice = await InCompany(companyId)
                .Where(i => i.ExternalId == id)
                .OrderBy(i => i.Id)
                .FirstOrDefaultAsync(ct)
            ?? throw ApiProblem.NotFound($"No invoice with id '{id}'.");
        try
        {
            invoice.Void();
        }
        catch (DomainException ex)
        {
            throw ApiProblem.Conflict(ex.Message);
        }
        await db.SaveChangesAsync(ct);
        return await GetAsync(companyId, id, ct);
    }

    private IQueryable<Invoice> InCompany(long companyId) =>
        from i in db.Invoices
        join c in db.Customers on i.CustomerId equals c.Id
        where c.CompanyId == companyId
        select i;

    private sealed record CheckedLine(string Description, decimal Quantity, long UnitPriceCents, long AmountCents);

    private sealed record CheckedInvoice(string Prefix, string Id, string CustomerId, string? SiteId, string Number,
        DateOnly InvoiceDate, DateOnly DueDate, long TaxCents, IReadOnlyList<CheckedLine> Lines)
    {
        public string Key => Prefix.Length == 0 ? "invoice" : Prefix.TrimEnd('.');
    }

    /// <summary>Checks what can be checked without the database. Returns null when the item has a problem.</summary>
    private static CheckedInvoice? Check(InvoiceRequest item, string? id, string prefix, ApiErrors errors)
    {
        var customerId = ApiValidation.ExternalId(errors, prefix + "customerId", item.CustomerId);
        var siteId = item.SiteId is null ? null : ApiValidation.ExternalId(errors, prefix + "siteId", item.SiteId);
        var number = ApiValidation.Text(errors, prefix + "number", item.Number, 50);
        if (item.InvoiceDate is null) errors.Add(prefix + "invoiceDate", "The invoice date is required.");
        if (item.DueDate is null) errors.Add(prefix + "dueDate", "The due date is required.");
        if (item.InvoiceDate is { } d1 && item.DueDate is { } d2 && d2 < d1)
            errors.Rule(prefix + "dueDate", "The due date cannot be before the invoice date.");
        var tax = ApiValidation.Cents(errors, prefix + "taxCents", item.TaxCents);
        var total = ApiValidation.Cents(errors, prefix + "totalCents", item.TotalCents);
        var subtotal = ApiValidation.Cents(errors, prefix + "subtotalCents", item.SubtotalCents, required: false);

        var lines = new List<CheckedLine>();
        var linesOk = true;
        if (item.Lines is null || item.Lines.Count == 0)
        {
            errors.Add(prefix + "lines", "An invoice needs at least one line.");
            linesOk = false;
        }
        else if (item.Lines.Count > MaxLines)
        {
            errors.Add(prefix + "lines", $"At most {MaxLines} lines on one invoice.");
            linesOk = false;
        }
        else
        {
            for (var n = 0; n < item.Lines.Count; n++)
            {
                var at = $"{prefix}lines[{n}].";
                var line = item.Lines[n];
                if (line is null)
                {
                    errors.Add($"{prefix}lines[{n}]", "A line cannot be null.");
                    linesOk = false;
                    continue;
                }
                var description = ApiValidation.Text(errors, at + "description", line.Description, 500);
                var quantity = line.Quantity;
                if (quantity is null) errors.Add(at + "quantity", "The quantity is required.");
                else if (quantity <= 0)
                {
                    errors.Add(at + "quantity", "The quantity must be more than zero.");
                    quantity = null;
                }
                else if (quantity > 1_000_000_000m || quantity != decimal.Round(quantity.Value, 3))
                {
                    errors.Add(at + "quantity", "The quantity has at most 3 decimals and is at most 1,000,000,000.");
                    quantity = null;
                }
                var unit = ApiValidation.Cents(errors, at + "unitPriceCents", line.UnitPriceCents);
                var amount = ApiValidation.Cents(errors, at + "amountCents", line.AmountCents);
                if (description is null || quantity is null || unit is null || amount is null)
                {
                    linesOk = false;
                    continue;
                }
                var expected = decimal.Round(quantity.Value * unit.Value, 0, MidpointRounding.AwayFromZero);
                if (amount.Value != expected)
                {
                    errors.Rule(at + "amountCents", $"Quantity × unit price is {expected} cents "
                        + $"(rounded half away from zero), but amountCents is {amount}.");
                    linesOk = false;
                    continue;
                }
                lines.Add(new CheckedLine(description, quantity.Value, unit.Value, amount.Value));
            }
        }

        if (linesOk && tax is not null && total is not null)
        {
            var sum = lines.Sum(l => (decimal)l.AmountCents);
            if (subtotal is not null && subtotal.Value != sum)
            {
                errors.Rule(prefix + "subtotalCents",
                    $"The lines add up to {sum} cents, but subtotalCents is {subtotal}.");
            }
            if (sum + tax.Value > long.MaxValue)
                errors.Add(prefix + "totalCents", "The total is too large.");
            else if (total.Value != sum + tax.Value)
            {
                errors.Rule(prefix + "totalCents", $"The lines ({sum} cents) plus tax ({tax} cents) make "
                    + $"{sum + tax.Value} cents, but totalCents is {total}.");
            }
            else if (total.Value == 0)
                errors.Rule(prefix + "totalCents", "An invoice total must be more than zero.");
        }

        var itemHasErrors = errors.HasErrorsUnder(prefix);
        if (itemHasErrors || id is null || customerId is null || number is null || item.InvoiceDate is null
            || item.DueDate is null || tax is null)
        {
            return null;
        }
        return new CheckedInvoice(
            prefix, id, customerId, siteId, number, item.InvoiceDate.Value, item.DueDate.Value, tax.Value, lines);
    }

    /// <summary>
    /// Resolves customers, sites and existing invoices in three queries, then creates or revises each invoice.
    /// </summary>
    private async Task<List<InvoiceBatchItemResult>> ApplyAsync(
        long companyId, IReadOnlyList<CheckedInvoice> items, ApiErrors errors, CancellationToken ct)
    {
        var customerIds = items.Select(i => i.CustomerId).Distinct().ToList();
        var customers = (await db.Customers.AsNoTracking()
                .Where(c => c.CompanyId == companyId && customerIds.Contains(c.ExternalId))
                .Select(c => new { c.Id, c.ExternalId }).ToListAsync(ct))
            .ToDictionary(c => c.ExternalId, c => c.Id, StringComparer.Ordinal);

        var siteIds = items.Where(i => i.SiteId is not null).Select(i => i.SiteId!).Distinct().ToList();
        var sites = (await (from s in db.Sites.AsNoTracking()
                      join c in db.Customers on s.CustomerId equals c.Id
                      where c.CompanyId == companyId && siteIds.Contains(s.ExternalId)
                      select new { s.Id, s.ExternalId, s.CustomerId }).ToListAsync(ct))
                .ToLookup(s => s.ExternalId, StringComparer.Ordinal);

        var ids = items.Select(i => i.Id).ToList();
        var existing = (await (from i in db.Invoices.Include(i => i.Lines)
                               join c in db.Customers on i.CustomerId equals c.Id
                               where c.CompanyId == companyId && ids.Contains(i.ExternalId)
                               select i).ToListAsync(ct))
            .ToLookup(i => i.ExternalId, StringComparer.Ordinal);

        var results = new List<InvoiceBatchItemResult>(items.Count);
        foreach (var item in items)
        {
            if (!customers.TryGetValue(item.CustomerId, out var customerKey))
            {
                errors.Rule(item.Prefix + "customerId",
                    $"No customer with id '{item.CustomerId}'. Send the customer first.");
                continue;
            }
            long? siteKey = null;
            if (item.SiteId is not null)
            {
                var candidates = sites[item.SiteId].ToList();
                var site = candidates.FirstOrDefault(s => s.CustomerId == customerKey);
                if (site is null)
                {
                    errors.Rule(item.Prefix + "siteId", candidates.Count == 0
                        ? $"No site with id '{item.SiteId}'. Send the site first."
                        : $"Site '{item.SiteId}' belongs to another customer than '{item.CustomerId}'.");
                    continue;
                }
                siteKey = site.Id;
            }
            var lines = item.Lines
                .Select(l => new InvoiceLine(l.Description, l.Quantity, l.UnitPriceCents, l.AmountCents))
                .ToList();

            var invoice = existing[item.Id].FirstOrDefault();
            if (invoice is null)
            {
                try
                {
                    db.Invoices.Add(new Invoice(customerKey, siteKey, item.Id, item.Number, item.InvoiceDate,
                        item.DueDate, item.TaxCents, lines));
                    results.Add(new InvoiceBatchItemResult(item.Id, UpsertOutcome.Created));
                }
                catch (DomainException ex)
                {
                    errors.Rule(item.Key, ex.Message);
                }
                continue;
            }

            if (invoice.CustomerId != customerKey)
            {
                errors.Conflict(item.Prefix + "customerId",
                    $"Invoice '{item.Id}' belongs to another customer; an invoice cannot move between customers.");
                continue;
            }
            if (invoice.IsVoid)
            {
                errors.Conflict(item.Key, $"Invoice '{item.Id}' is void and cannot be changed.");
                continue;
            }
            if (invoice.Number != item.Number)
            {
                errors.Conflict(item.Prefix + "number", $"An invoice's number cannot change (it is {invoice.Number}).");
                continue;
            }
            if (invoice.SiteId != siteKey)
            {
                errors.Conflict(item.Prefix + "siteId", "An invoice's site cannot change.");
                continue;
            }
            if (IsSame(invoice, item))
            {
                results.Add(new InvoiceBatchItemResult(item.Id, UpsertOutcome.Unchanged));
                continue;
            }
            try
            {
                invoice.Revise(item.InvoiceDate, item.DueDate, item.TaxCents, lines);
                results.Add(new InvoiceBatchItemResult(item.Id, UpsertOutcome.Updated));
            }
            catch (DomainException ex)
            {
                // The invoice as it stands (money applied, its multi-site group) refuses the change.
                errors.Conflict(item.Key, ex.Message);
            }
        }
        return results;
    }

    private static bool IsSame(Invoice invoice, CheckedInvoice item) =>
        invoice.InvoiceDate == item.InvoiceDate && invoice.DueDate == item.DueDate && invoice.TaxCents == item.TaxCents
        && invoice.Lines.Count == item.Lines.Count
        && invoice.Lines.OrderBy(l => l.LineNumber).Zip(item.Lines).All(p =>
            p.First.Description == p.Second.Description && p.First.Quantity == p.Second.Quantity
            && p.First.UnitPriceCents == p.Second.UnitPriceCents && p.First.AmountCents == p.Second.AmountCents);

    private static string BatchSummary(ApiErrors errors, int count)
    {
        var failing = errors.Fields
            .Select(f => f.StartsWith("invoices[", StringComparison.Ordinal)
                ? f[..(f.IndexOf(']', StringComparison.Ordinal) + 1)]
                : f)
            .Distinct()
            .Count();
        return $"{failing} of {count} invoices have problems; nothing was saved.";
    }
}
