using CustomerPortal.Domain.Companies;
using CustomerPortal.Domain.Customers;
using CustomerPortal.Domain.Staff;
using CustomerPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using CustomerPortal.Web.Shared;

namespace CustomerPortal.Web.Features.Staff;

public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total)
{
    public int TotalPages => Math.Max(1, (Total + PageSize - 1) / PageSize);
    public bool HasPrevious => Page > 1;
    public bool HasNext => Page < TotalPages;
}

public sealed record CustomerSearchRow(
    long Id, long CompanyId, string Name, string AccountNumber, string? ContactEmail, string CompanyName, Plan Plan);

public sealed record AuditRow(long Id, DateTimeOffset At, string StaffEmail, long CustomerId, string CustomerName,
    string AccountNumber, string CompanyName, AuditAction Action, string Path, string IpAddress,
    string? CompanyTimeZone = null)
{
    /// <summary>
    /// When it happened on the company's clock, as the customer's payment pages show times (UTC when the company is
    /// not known), and the zone it is in.
    /// </summary>
    public (DateTimeOffset Time, string Zone) Local => CompanyTimeZone is { } zone
        ? (TimeZoneInfo.ConvertTime(At, TimeZoneInfo.FindSystemTimeZoneById(zone)), zone)
        : (At.ToUniversalTime(), "UTC");
}

public sealed class AuditFilter
{
    public string? Agent { get; set; }
    public string? Customer { get; set; }
    public DateOnly? From { get; set; }
    public DateOnly? To { get; set; }
    public int Page { get; set; } = 1;

    public bool IsEmpty =>
        string.IsNullOrWhiteSpace(Agent) && string.IsNullOrWhiteSpace(Customer) && From is null && To is null;
}

/// <summary>
/// The staff area's reads. Every query is limited to the companies the agent may see (no access rows = all companies),
/// projected without tracking and paged in SQL.
/// </summary>
public sealed class StaffQueries(AppDbContext db)
{
    public const int PageSize = 20;
    public const int AuditPageSize = 50;

    private IQueryable<Customer> VisibleCustomers(string agentId) =>
        db.Customers.AsNoTracking().Where(c =>
            !db.StaffCompanyAccess.Any(a => a.UserId == agentId) ||
            db.StaffCompanyAccess.Any(a => a.UserId == agentId && a.CompanyId == c.CompanyId));

    public async Task<Paged<CustomerSearchRow>> SearchCustomersAsync(
        string agentId, string? text, int page, CancellationToken ct)
    {
        page = Math.Max(1, page);
        var query = VisibleCustomers(agentId);
        if (!string.IsNullOrWhiteSpace(text))
        {
            var term = text.Trim();
            var contains = "%" + EscapeLike(term) + "%";
            var starts = EscapeLike(term) + "%";
            query = query.Where(c =>
                EF.Functions.Like(c.Name, contains, "\\") ||
                EF.Functions.Like(c.AccountNumber, starts, "\\") ||
                (c.ContactEmail != null && EF.Functions.Like(c.ContactEmail, contains, "\\")));
        }
        var rows = from c in query
                   join co in db.Companies.AsNoTracking() on c.CompanyId equals co.Id
                   orderby c.Name, co.Name, c.Id
                   select new CustomerSearchRow(
                       c.Id, c.CompanyId, c.Name, c.AccountNumber, c.ContactEmail, co.Name, co.Plan);
        var total = await query.CountAsync(ct);
        var items = await rows.Skip((page - 1) * PageSize).Take(PageSize).ToListAsync(ct);
        return new Paged<CustomerSearchRow>(items, page, PageSize, total);
    }

    /// <summary>
    /// The customer if it exists and the agent may see its company; otherwise null (the caller answers 404).
    /// </summary>
    public Task<CustomerSearchRow?> FindVisibleCustomerAsync(string agentId, long customerId, CancellationToken ct) =>
        (from c in VisibleCustomers(agentId)
         join co in db.Companies.AsNoTracking() on c.CompanyId equals co.Id
         where c.Id == customerId
         select new CustomerSearchRow(c.Id, c.CompanyId, c.Name, c.AccountNumber, c.ContactEmail, co.Name, co.Plan))
        .FirstOrDefaultAsync(ct);

    public async Task<Paged<AuditRow>> AuditAsync(string agentId, AuditFilter filter, CancellationToken ct)
    {
        var page = Math.Max(1, filter.Page);
        var entries = db.AuditEntries.AsNoTracking().Where(e =>
            !db.StaffCompanyAccess.Any(a => a.UserId == agentId) ||
            db.StaffCompanyAccess.Any(a => a.UserId == agentId && a.CompanyId == e.CompanyId));
        if (!string.IsNullOrWhiteSpace(filter.Agent))
        {
            var agent = "%" + EscapeLike(filter.Agent.Trim()) + "%";
            entries = entries.Where(e => EF.Functions.Like(e.StaffEmail, agent, "\\"));
        }
        if (filter.From is { } from)
        {
            var fromUtc = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            entries = entries.Where(e => e.At >= fromUtc);
        }
        if (filter.To is { } to)
        {
            var toExclusive = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            entries = entries.Where(e => e.At < toExclusive);
        }

        var joined = from e in entries
                     join c in db.Customers.AsNoTracking() on e.CustomerId equals c.Id into cs
                     from c in cs.DefaultIfEmpty()
                     join co in db.Companies.AsNoTracking() on e.CompanyId equals co.Id into cos
                     from co in cos.DefaultIfEmpty()
                     select new { e, c, co };
        if (!string.IsNullOrWhiteSpace(filter.Customer))
        {
            var term = filter.Customer.Trim();
            var contains = "%" + EscapeLike(term) + "%";
            joined = joined.Where(x =>
                x.c != null && (EF.Functions.Like(x.c.Name, contains, "\\") || x.c.AccountNumber == term));
        }

        var total = await joined.CountAsync(ct);
        var items = await joined
            .OrderByDescending(x => x.e.At).ThenByDescending(x => x.e.Id)
            .Skip((page - 1) * AuditPageSize).Take(AuditPageSize)
            .Select(x => new AuditRow(x.e.Id, x.e.At, x.e.StaffEmail, x.e.CustomerId,
                x.c == null ? "(unknown customer)" : x.c.Name, x.c == null ? "" : x.c.AccountNumber,
                x.co == null ? "" : x.co.Name, x.e.Action, x.e.Path, x.e.IpAddress,
                x.co == null ? null : x.co.TimeZoneId))
            .ToListAsync(ct);
        return new Paged<AuditRow>(items, page, AuditPageSize, total);
    }

    private static string EscapeLike(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
