using CustomerPortal.Domain.Companies;
using CustomerPortal.Domain.Customers;
using CustomerPortal.Domain.Invoices;
using CustomerPortal.Domain.Payments;
using CustomerPortal.Domain.Selection;
using CustomerPortal.Domain.Staff;
using CustomerPortal.Infrastructure.Identity;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Infrastructure.Data;

/// <summary>
/// The portal's database. Each provider has a subclass (<see cref="SqliteAppDbContext"/>,
/// <see cref="SqlServerAppDbContext"/>) so that each keeps its own migrations in this assembly; the app registers
/// the one chosen by configuration as <see cref="AppDbContext"/>. It also keeps the data-protection keys, so every node
/// on the database shares them.
/// </summary>
public abstract class AppDbContext(DbContextOptions options)
    : IdentityDbContext<PortalUser>(options), IDataProtectionKeyContext
{
    public DbSet<Company> Companies => Set<Company>();
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<Site> Sites => Set<Site>();
    public DbSet<Invoice> Invoices => Set<Invoice>();
    public DbSet<InvoiceLine> InvoiceLines => Set<InvoiceLine>();
    public DbSet<MultiSiteInvoice> MultiSiteInvoices => Set<MultiSiteInvoice>();
    public DbSet<PaymentDraft> PaymentDrafts => Set<PaymentDraft>();
    public DbSet<PaymentDraftItem> PaymentDraftItems => Set<PaymentDraftItem>();
    public DbSet<Payment> Payments => Set<Payment>();
    public DbSet<PaymentAllocation> PaymentAllocations => Set<PaymentAllocation>();
    public DbSet<SavedPaymentMethod> SavedPaymentMethods => Set<SavedPaymentMethod>();
    public DbSet<AchMandate> AchMandates => Set<AchMandate>();
    public DbSet<PendingMethodSave> PendingMethodSaves => Set<PendingMethodSave>();
    public DbSet<EnteredPaymentToken> EnteredPaymentTokens => Set<EnteredPaymentToken>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<StaffCompanyAccess> StaffCompanyAccess => Set<StaffCompanyAccess>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<ProcessedWebhookEvent> ProcessedWebhookEvents => Set<ProcessedWebhookEvent>();
    public DbSet<JobLease> JobLeases => Set<JobLease>();
    public DbSet<CustomerInvoiceTotals> CustomerInvoiceTotals => Set<CustomerInvoiceTotals>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
    }
}

public sealed class SqliteAppDbContext(DbContextOptions<SqliteAppDbContext> options) : AppDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        // SQLite cannot compare or order DateTimeOffset text; store it as a sortable 64-bit number instead.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToUtcTicksConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToUtcTicksConverter>();
        // Dates stay the same 'yyyy-MM-dd' text EF writes anyway; only the reading is faster (see the converter).
        configurationBuilder.Properties<DateOnly>().HaveConversion<DateOnlyToIsoTextConverter>();
        configurationBuilder.Properties<DateOnly?>().HaveConversion<DateOnlyToIsoTextConverter>();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        // Invoices has AFTER triggers (CustomerInvoiceTotals): SQLite's RETURNING clause does not go with them.
        builder.Entity<Invoice>().ToTable(t => t.UseSqlReturningClause(false));
        // Sites too (InvoicesVersion).
        builder.Entity<Domain.Customers.Site>().ToTable(t => t.UseSqlReturningClause(false));
    }
}

public sealed class SqlServerAppDbContext(DbContextOptions<SqlServerAppDbContext> options) : AppDbContext(options);

/// <summary>
/// A date as the 'yyyy-MM-dd' text the SQLite provider stores anyway (same column type, same values, same order), read
/// with a fixed-format parse instead of Microsoft.Data.Sqlite's <c>DateOnly.Parse</c>, the general culture-aware
/// parser, which was 4 % of the server's CPU on the Make a Payment actions (each reads up to 200 invoices with two
/// dates).
/// </summary>
public sealed class DateOnlyToIsoTextConverter()
    : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateOnly, string>(
        v => IsoDate.Format(v),
        v => IsoDate.Parse(v));

/// <summary>'yyyy-MM-dd' dates, written and read without culture or format-string machinery.</summary>
public static class IsoDate
{
    public static string Format(DateOnly date) =>
        date.ToString("yyyy'-'MM'-'dd", System.Globalization.CultureInfo.InvariantCulture);

    public static DateOnly Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 10 && text[4] == '-' && text[7] == '-' &&
            TryDigits(text, 0, 4, out var year) && TryDigits(text, 5, 2, out var month) &&
            TryDigits(text, 8, 2, out var day) &&
            year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month))
        {
            return new DateOnly(year, month, day);
        }
        // Anything else SQLite may hold (a value written by hand with a time part, say): the general parser, as before.
        return DateOnly.FromDateTime(DateTime.Parse(
            text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None));
    }

    private static bool TryDigits(string text, int start, int length, out int value)
    {
        value = 0;
        for (var n = start; n < start + length; n++)
        {
            var digit = text[n] - '0';
            if (digit is < 0 or > 9) return false;
            value = value * 10 + digit;
        }
        return true;
    }
}

/// <summary>Stores a DateTimeOffset as UTC ticks: sortable and comparable in SQLite, exact to the tick.</summary>
public sealed class DateTimeOffsetToUtcTicksConverter()
    : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks,
        v => new DateTimeOffset(v, TimeSpan.Zero));
