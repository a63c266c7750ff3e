using CustomerPortal.Domain.Companies;

namespace CustomerPortal.Domain.Customers;

/// <summary>A customer of a company: the account whose invoices are paid in the portal.</summary>
public sealed class Customer
{
    private Customer() { }

    public Customer(
        long companyId, string externalId, string accountNumber, string name, Address billingAddress,
        string? contactEmail)
    {
        if (string.IsNullOrWhiteSpace(accountNumber)) throw new DomainException("A customer needs an account number.");
        if (string.IsNullOrWhiteSpace(name)) throw new DomainException("A customer needs a name.");
        CompanyId = companyId;
        ExternalId = externalId;
        AccountNumber = accountNumber.Trim();
        Name = name.Trim();
        BillingAddress = billingAddress;
        ContactEmail = contactEmail?.Trim();
    }

    public long Id { get; private set; }
    public long CompanyId { get; private set; }
    public string ExternalId { get; private set; } = "";
    public string AccountNumber { get; private set; } = "";
    public string Name { get; private set; } = "";
    public Address BillingAddress { get; private set; } = Address.Empty;
    public string? ContactEmail { get; private set; }

    /// <summary>The processor's customer id (Stripe "cus_…", sandbox "scus_…"), set when first needed.</summary>
    public string? ProcessorCustomerId { get; private set; }

    public void Update(string accountNumber, string name, Address billingAddress, string? contactEmail)
    {
        if (string.IsNullOrWhiteSpace(accountNumber)) throw new DomainException("A customer needs an account number.");
        if (string.IsNullOrWhiteSpace(name)) throw new DomainException("A customer needs a name.");
        AccountNumber = accountNumber.Trim();
        Name = name.Trim();
        BillingAddress = billingAddress;
        ContactEmail = contactEmail?.Trim();
    }

    public void LinkProcessorCustomer(string processorCustomerId) => ProcessorCustomerId = processorCustomerId;
}

/// <summary>A place where the company serves the customer (a job site, a yard).</summary>
public sealed class Site
{
    private Site() { }

    public Site(long customerId, string externalId, string name, Address address)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new DomainException("A site needs a name.");
        CustomerId = customerId;
        ExternalId = externalId;
        Name = name.Trim();
        Address = address;
    }

    public long Id { get; private set; }
    public long CustomerId { get; private set; }
    public string ExternalId { get; private set; } = "";
    public string Name { get; private set; } = "";
    public Address Address { get; private set; } = Address.Empty;

    public void Update(string name, Address address)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new DomainException("A site needs a name.");
        Name = name.Trim();
        Address = address;
    }
}
