using CustomerPortal.Domain.Companies;
using CustomerPortal.Infrastructure.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CustomerPortal.Infrastructure.Data.Configurations;

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.Property(x => x.Prefix).HasMaxLength(16).IsRequired();
        b.Property(x => x.SecretHash).HasMaxLength(64).IsRequired();
        b.HasOne<Company>().WithMany().HasForeignKey(x => x.CompanyId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.SecretHash).IsUnique();
    }
}

internal sealed class ProcessedWebhookEventConfiguration : IEntityTypeConfiguration<ProcessedWebhookEvent>
{
    public void Configure(EntityTypeBuilder<ProcessedWebhookEvent> b)
    {
        b.HasKey(x => new { x.Provider, x.EventId });
        b.Property(x => x.Provider).HasMaxLength(20);
        b.Property(x => x.EventId).HasMaxLength(100);
        b.Property(x => x.Type).HasMaxLength(100);
    }
}

internal sealed class JobLeaseConfiguration : IEntityTypeConfiguration<JobLease>
{
    public void Configure(EntityTypeBuilder<JobLease> b)
    {
        b.HasKey(x => x.Name);
        b.Property(x => x.Name).HasMaxLength(50);
        b.Property(x => x.Holder).HasMaxLength(100);
    }
}

internal sealed class PortalUserConfiguration : IEntityTypeConfiguration<PortalUser>
{
    public void Configure(EntityTypeBuilder<PortalUser> b)
    {
        b.Property(x => x.DisplayName).HasMaxLength(200);
        b.HasOne<CustomerPortal.Domain.Customers.Customer>().WithMany().HasForeignKey(x => x.CustomerId)
            .OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class StaffCompanyAccessConfiguration : IEntityTypeConfiguration<StaffCompanyAccess>
{
    public void Configure(EntityTypeBuilder<StaffCompanyAccess> b)
    {
        b.HasKey(x => new { x.UserId, x.CompanyId });
        b.HasOne<PortalUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Company>().WithMany().HasForeignKey(x => x.CompanyId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CustomerInvoiceTotalsConfiguration : IEntityTypeConfiguration<CustomerInvoiceTotals>
{
    public void Configure(EntityTypeBuilder<CustomerInvoiceTotals> b)
    {
        b.HasKey(x => x.CustomerId);
        b.Property(x => x.CustomerId).ValueGeneratedNever();
        b.HasOne<Domain.Customers.Customer>().WithOne().HasForeignKey<CustomerInvoiceTotals>(x => x.CustomerId)
            .OnDelete(DeleteBehavior.Cascade);
    }
}
