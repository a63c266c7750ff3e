using CustomerPortal.Domain.Customers;
using CustomerPortal.Domain.Invoices;
using CustomerPortal.Domain.Payments;
using CustomerPortal.Domain.Selection;
using CustomerPortal.Domain.Staff;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CustomerPortal.Infrastructure.Data.Configurations;

internal sealed class PaymentConfiguration : IEntityTypeConfiguration<Payment>
{
    public void Configure(EntityTypeBuilder<Payment> b)
    {
        b.Property(x => x.ReceiptNumber).HasMaxLength(20).IsRequired();
        b.Property(x => x.IdempotencyKey).HasMaxLength(200).IsRequired();
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.MethodKind).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Source).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.MethodSummary).HasMaxLength(100);
        b.Property(x => x.ProcessorMethodToken).HasMaxLength(100);
        b.Property(x => x.ProcessorPaymentId).HasMaxLength(100);
        b.Property(x => x.NextActionUrl).HasMaxLength(500);
        b.Property(x => x.FailureCode).HasMaxLength(50);
        b.Property(x => x.FailureMessage).HasMaxLength(300);
        b.Property(x => x.SubmittedBy).HasMaxLength(256);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.Allocations).WithOne().HasForeignKey(a => a.PaymentId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(x => x.Allocations).UsePropertyAccessMode(PropertyAccessMode.Field);
        b.HasIndex(x => x.IdempotencyKey).IsUnique();
        b.HasIndex(x => x.ReceiptNumber).IsUnique();
        b.HasIndex(x => x.ProcessorPaymentId);
        b.HasIndex(x => new { x.CustomerId, x.CreatedAt });
        b.HasIndex(x => new { x.CompanyId, x.Id });
        b.HasIndex(x => new { x.Status, x.UpdatedAt });
    }
}

internal sealed class PaymentAllocationConfiguration : IEntityTypeConfiguration<PaymentAllocation>
{
    public void Configure(EntityTypeBuilder<PaymentAllocation> b)
    {
        b.HasOne<Invoice>().WithMany().HasForeignKey(x => x.InvoiceId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.PaymentId, x.InvoiceId }).IsUnique();
        b.HasIndex(x => x.InvoiceId);
    }
}

internal sealed class SavedPaymentMethodConfiguration : IEntityTypeConfiguration<SavedPaymentMethod>
{
    public void Configure(EntityTypeBuilder<SavedPaymentMethod> b)
    {
        b.Property(x => x.ProcessorMethodId).HasMaxLength(100).IsRequired();
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Brand).HasMaxLength(30);
        b.Property(x => x.Last4).HasMaxLength(4).IsRequired();
        b.Property(x => x.BankName).HasMaxLength(100);
        b.Property(x => x.AccountType).HasMaxLength(20);
        b.Ignore(x => x.Summary);
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Restrict);
        b.Property(x => x.ReturnCode).HasMaxLength(8);
        b.HasIndex(x => new { x.CustomerId, x.ProcessorMethodId }).IsUnique();
    }
}

internal sealed class PendingMethodSaveConfiguration : IEntityTypeConfiguration<PendingMethodSave>
{
    public void Configure(EntityTypeBuilder<PendingMethodSave> b)
    {
        b.HasKey(x => x.PaymentId);
        b.Property(x => x.PaymentId).ValueGeneratedNever();
        b.Property(x => x.Token).HasMaxLength(100).IsRequired();
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.ProcessorCustomerId).HasMaxLength(100).IsRequired();
        b.Property(x => x.Last4).HasMaxLength(4).IsRequired();
        b.Property(x => x.Brand).HasMaxLength(30);
        b.Property(x => x.BankName).HasMaxLength(100);
        b.Property(x => x.AccountType).HasMaxLength(20);
        b.Ignore(x => x.Method);
        // Goes with its payment; the customer's id is kept to check the payment is still the customer's at save time.
        b.HasOne<Payment>().WithOne().HasForeignKey<PendingMethodSave>(x => x.PaymentId)
            .OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AchMandateConfiguration : IEntityTypeConfiguration<AchMandate>
{
    public void Configure(EntityTypeBuilder<AchMandate> b)
    {
        b.Property(x => x.ProcessorMethodId).HasMaxLength(100).IsRequired();
        b.Property(x => x.TextVersion).HasMaxLength(20).IsRequired();
        b.Property(x => x.Text).HasMaxLength(4000).IsRequired();
        b.Property(x => x.IpAddress).HasMaxLength(64);
        b.Property(x => x.UserAgent).HasMaxLength(512);
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.CustomerId, x.ProcessorMethodId });
    }
}

internal sealed class EnteredPaymentTokenConfiguration : IEntityTypeConfiguration<EnteredPaymentToken>
{
    public void Configure(EntityTypeBuilder<EnteredPaymentToken> b)
    {
        b.Property(x => x.Token).HasMaxLength(EnteredPaymentToken.MaxTokenLength).IsRequired();
        b.Property(x => x.UserId).HasMaxLength(450).IsRequired();
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        // One owner per token: a second hand-over of the same token (another customer, a race) meets this index.
        b.HasIndex(x => x.Token).IsUnique();
        // The checkout's "the card you just entered": the contact's newest one.
        b.HasIndex(x => new { x.CustomerId, x.UserId, x.Id });
    }
}

internal sealed class PaymentDraftConfiguration : IEntityTypeConfiguration<PaymentDraft>
{
    public void Configure(EntityTypeBuilder<PaymentDraft> b)
    {
        b.Property(x => x.UserId).HasMaxLength(450).IsRequired();
        b.Property(x => x.Choice).HasConversion<string>().HasMaxLength(20);
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(x => x.Items).WithOne().HasForeignKey(i => i.PaymentDraftId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(x => x.Items).UsePropertyAccessMode(PropertyAccessMode.Field);
        b.HasIndex(x => new { x.UserId, x.CustomerId }).IsUnique();
    }
}

internal sealed class PaymentDraftItemConfiguration : IEntityTypeConfiguration<PaymentDraftItem>
{
    public void Configure(EntityTypeBuilder<PaymentDraftItem> b)
    {
        b.HasOne<Invoice>().WithMany().HasForeignKey(x => x.InvoiceId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.PaymentDraftId, x.InvoiceId }).IsUnique();
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.Property(x => x.StaffUserId).HasMaxLength(450).IsRequired();
        b.Property(x => x.StaffEmail).HasMaxLength(256).IsRequired();
        b.Property(x => x.Action).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Path).HasMaxLength(400);
        b.Property(x => x.IpAddress).HasMaxLength(64);
        b.HasIndex(x => new { x.StaffUserId, x.At });
        b.HasIndex(x => new { x.CustomerId, x.At });
        b.HasIndex(x => x.At);
    }
}
