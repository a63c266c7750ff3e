using CustomerPortal.Domain.Companies;
using CustomerPortal.Domain.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CustomerPortal.Infrastructure.Data.Configurations;

internal static class AddressMapping
{
    public static void MapAddress<T>(this OwnedNavigationBuilder<T, Address> a) where T : class
    {
        a.Property(x => x.Line1).HasMaxLength(200);
        a.Property(x => x.Line2).HasMaxLength(200);
        a.Property(x => x.City).HasMaxLength(100);
        a.Property(x => x.Region).HasMaxLength(100);
        a.Property(x => x.PostalCode).HasMaxLength(20);
        a.Property(x => x.Country).HasMaxLength(2);
    }
}

internal sealed class CompanyConfiguration : IEntityTypeConfiguration<Company>
{
    public void Configure(EntityTypeBuilder<Company> b)
    {
        b.Property(x => x.Name).HasMaxLength(200).IsRequired();
        b.Property(x => x.TimeZoneId).HasMaxLength(64).IsRequired();
        b.Property(x => x.Currency).HasMaxLength(3).IsRequired();
        b.Property(x => x.Plan).HasConversion<string>().HasMaxLength(16);
        b.OwnsOne(x => x.Address, a => a.MapAddress());
        b.Navigation(x => x.Address).IsRequired();
    }
}

internal sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> b)
    {
        b.Property(x => x.ExternalId).HasMaxLength(100).IsRequired();
        b.Property(x => x.AccountNumber).HasMaxLength(50).IsRequired();
        b.Property(x => x.Name).HasMaxLength(200).IsRequired();
        b.Property(x => x.ContactEmail).HasMaxLength(256);
        b.Property(x => x.ProcessorCustomerId).HasMaxLength(100);
        b.OwnsOne(x => x.BillingAddress, a => a.MapAddress());
        b.Navigation(x => x.BillingAddress).IsRequired();
        b.HasOne<Company>().WithMany().HasForeignKey(x => x.CompanyId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.CompanyId, x.ExternalId }).IsUnique();
        b.HasIndex(x => new { x.CompanyId, x.AccountNumber }).IsUnique();
        b.HasIndex(x => new { x.CompanyId, x.Name });
    }
}

internal sealed class SiteConfiguration : IEntityTypeConfiguration<Site>
{
    public void Configure(EntityTypeBuilder<Site> b)
    {
        b.Property(x => x.ExternalId).HasMaxLength(100).IsRequired();
        b.Property(x => x.Name).HasMaxLength(200).IsRequired();
        b.OwnsOne(x => x.Address, a => a.MapAddress());
        b.Navigation(x => x.Address).IsRequired();
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.CustomerId, x.ExternalId }).IsUnique();
        // A site's name is shown with its invoices: renaming one moves the customer's invoices version (migration
        // SitesInInvoicesVersion); EF must not use OUTPUT on this table.
        b.ToTable(t => t.HasTrigger(InvoiceTotalsTriggers.SitesVersionTriggerSqlServer));
    }
}
