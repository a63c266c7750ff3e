using CustomerPortal.Domain.Allocation;
using CustomerPortal.Domain.Customers;
using CustomerPortal.Domain.Invoices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CustomerPortal.Infrastructure.Data.Configurations;

internal sealed class InvoiceConfiguration : IEntityTypeConfiguration<Invoice>
{
    /// <summary>The index that reads open invoices sorted by <paramref name="column"/> (TableOrder).</summary>
    public static string SortIndexName(string column) =>
        column == nameof(Invoice.InvoiceDate) ? "IX_Invoices_OldestFirst" : $"IX_Invoices_By{column}";

    public void Configure(EntityTypeBuilder<Invoice> b)
    {
        b.Property(x => x.ExternalId).HasMaxLength(100).IsRequired();
        b.Property(x => x.Number).HasMaxLength(50).IsRequired();
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Site>().WithMany().HasForeignKey(x => x.SiteId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<MultiSiteInvoice>().WithMany().HasForeignKey(x => x.MultiSiteInvoiceId)
            .OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.Lines).WithOne().HasForeignKey(l => l.InvoiceId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(x => x.Lines).UsePropertyAccessMode(PropertyAccessMode.Field);
        b.HasIndex(x => new { x.CustomerId, x.ExternalId }).IsUnique();
        b.HasIndex(x => new { x.CustomerId, x.Number });
        // The single-site table and "select all" in oldest-first order: read in that order without a sort, and "select
        // all" reads only this index. The order's columns come from its one definition (OldestFirst.Keys: invoice date,
        // due date, number, id); a change there changes this index, and the migration check asks for a migration.
        b.HasIndex([nameof(Invoice.CustomerId), nameof(Invoice.IsVoid), nameof(Invoice.MultiSiteInvoiceId),
                .. OldestFirst.KeyNames, nameof(Invoice.BalanceCents), nameof(Invoice.PendingCents)])
            .HasDatabaseName("IX_Invoices_OpenByCustomer");
        b.HasIndex(x => x.MultiSiteInvoiceId);
        // Oldest first over every kind (custom amount table, the oldest-201 window): read in order, the open filter
        // evaluated on the index, so a page or the window reads about as many entries as it returns.
        b.HasIndex([nameof(Invoice.CustomerId), nameof(Invoice.IsVoid), .. OldestFirst.KeyNames,
                nameof(Invoice.BalanceCents), nameof(Invoice.PendingCents), nameof(Invoice.MultiSiteInvoiceId)])
            .HasDatabaseName("IX_Invoices_OldestFirst");
        // The table sorted by another column (TableOrder: the column, then oldest first; descending read backwards):
        // a page reads about as many entries as it shows, whatever the number of open invoices. Invoice date is
        // IX_Invoices_OldestFirst above (the same keys).
        foreach (var column in TableOrder.Columns.Where(c => c != nameof(Invoice.InvoiceDate)))
        {
            string[] covering = [nameof(Invoice.BalanceCents), nameof(Invoice.PendingCents),
                nameof(Invoice.MultiSiteInvoiceId)];
            var keys = TableOrder.KeyNames(column);
            b.HasIndex([nameof(Invoice.CustomerId), nameof(Invoice.IsVoid), .. keys, .. covering.Except(keys)])
                .HasDatabaseName(SortIndexName(column));
        }
        // Overdue Balance = Balance (CustomerInvoiceTotals) − what is not yet due: only the invoices due today or
        // later.
        b.HasIndex(x => new { x.CustomerId, x.IsVoid, x.DueDate, x.BalanceCents, x.PendingCents })
            .HasDatabaseName("IX_Invoices_NotYetDue");
        // Triggers keep CustomerInvoiceTotals exact (migration CustomerInvoiceTotals); EF must not use OUTPUT on this
        // table.
        b.ToTable(t =>
        {
            t.HasTrigger(InvoiceTotalsTriggers.Name);
            t.HasTrigger(InvoiceTotalsTriggers.VersionTriggerSqlServer);
        });
    }
}

internal sealed class InvoiceLineConfiguration : IEntityTypeConfiguration<InvoiceLine>
{
    public void Configure(EntityTypeBuilder<InvoiceLine> b)
    {
        b.Property(x => x.Description).HasMaxLength(500).IsRequired();
        b.Property(x => x.Quantity).HasPrecision(18, 3);
        b.HasIndex(x => new { x.InvoiceId, x.LineNumber });
    }
}

internal sealed class MultiSiteInvoiceConfiguration : IEntityTypeConfiguration<MultiSiteInvoice>
{
    public void Configure(EntityTypeBuilder<MultiSiteInvoice> b)
    {
        b.Property(x => x.ExternalId).HasMaxLength(100).IsRequired();
        b.Property(x => x.Number).HasMaxLength(50).IsRequired();
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.CustomerId, x.ExternalId }).IsUnique();
        b.HasIndex(x => new { x.CustomerId, x.IsVoid, x.InvoiceDate });
    }
}
