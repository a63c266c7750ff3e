using System.Globalization;
using System.Net;
using CustomerPortal.Domain.Payments;
using CustomerPortal.Domain.Payments.Gateway;
using Microsoft.Extensions.Logging;
using Stripe;
using ChargeOutcome = CustomerPortal.Domain.Payments.Gateway.ChargeOutcome;
using PaymentMethod = Stripe.PaymentMethod;

namespace CustomerPortal.Infrastructure.Payments.Stripe;

/// <summary>
/// <see cref="IPaymentGateway"/> over Stripe (Stripe.net 53, API version 2026-10-28.endive). Card and bank details
/// are collected by Stripe's Payment Element in the browser; this class only sees pm_/seti_/pi_ ids.
/// Never sets <c>payment_method_types</c> (removed in this API version): automatic payment methods, or
/// <c>allowed_payment_method_types</c> when one kind is wanted.
/// </summary>
public sealed class StripePaymentGateway(
    IStripeClient client, StripeOptions options, TimeProvider time, ILogger<StripePaymentGateway> logger)
    : IPaymentGateway
{
    public const string SignatureHeaderName = "Stripe-Signature";

    internal static class MetadataKeys
    {
        public const string PortalPaymentId = "portal_payment_id";
        public const string CompanyId = "company_id";
        public const string CustomerId = "customer_id";
        public const string IdempotencyKey = "idempotency_key";
    }

    private readonly StripeClient? _concrete = client as StripeClient;

    public string Name => "stripe";
    public string WebhookSignatureHeader => SignatureHeaderName;

    private PaymentIntentService PaymentIntents => _concrete?.V1.PaymentIntents ?? new PaymentIntentService(client);
    private SetupIntentService SetupIntents => _concrete?.V1.SetupIntents ?? new SetupIntentService(client);
    private PaymentMethodService PaymentMethods => _concrete?.V1.PaymentMethods ?? new PaymentMethodService(client);
    private CustomerService Customers => _concrete?.V1.Customers ?? new CustomerService(client);

    private static RequestOptions Request(string? connectedAccountId, string? idempotencyKey = null) =>
        new()
        {
            StripeAccount = string.IsNullOrEmpty(connectedAccountId) ? null : connectedAccountId,
            IdempotencyKey = idempotencyKey,
        };

    public async Task<string> EnsureCustomerAsync(
        GatewayCustomer customer, CancellationToken cancellationToken = default)
    {
        // The portal stores the returned id and only calls this when it has none; search covers a lost answer,
        // the idempotency key covers a retry within Stripe's 24 h window before search has indexed the first one.
        var query =
            $"metadata['{MetadataKeys.CompanyId}']:'{customer.CompanyId.ToString(CultureInfo.InvariantCulture)}' AND " +
            $"metadata['{MetadataKeys.CustomerId}']:'{customer.CustomerId.ToString(CultureInfo.InvariantCulture)}'";
        var found = await Customers.SearchAsync(new CustomerSearchOptions { Query = query, Limit = 1 },
            Request(customer.ConnectedAccountId), cancellationToken);
        if (found.Data.FirstOrDefault() is { } existing) return existing.Id;

        var created = await Customers.CreateAsync(new CustomerCreateOptions
        {
            Name = customer.Name,
            Email = customer.Email,
            Metadata = new Dictionary<string, string>
            {
                [MetadataKeys.CompanyId] = customer.CompanyId.ToString(CultureInfo.InvariantCulture),
                [MetadataKeys.CustomerId] = customer.CustomerId.ToString(CultureInfo.InvariantCulture),
            },
        }, Request(customer.ConnectedAccountId, $"customer-{customer.CompanyId}-{customer.CustomerId}"),
            cancellationToken);
        return created.Id;
    }

    public async Task<ChargeResult> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.AmountCents);
        if (await RefuseMethodAsync(request.PaymentMethodToken, request.ProcessorCustomerId, request.ConnectedAccountId,
                cancellationToken) is { } refused)
            return ChargeResult.Declined(null, refused, FailureMessages.For(refused, request.MethodKind));
        var create = new PaymentIntentCreateOptions
        {
            Amount = request.AmountCents,
            Currency = request.Currency.ToLowerInvariant(),
            Customer = request.ProcessorCustomerId,
            PaymentMethod = request.PaymentMethodToken,
            Confirm = true,
            Metadata = new Dictionary<string, string>
            {
                [MetadataKeys.PortalPaymentId] =
                    request.Metadata.PortalPaymentId.ToString(CultureInfo.InvariantCulture),
                [MetadataKeys.CompanyId] = request.Metadata.CompanyId.ToString(CultureInfo.InvariantCulture),
                [MetadataKeys.CustomerId] = request.Metadata.CustomerId.ToString(CultureInfo.InvariantCulture),
                [MetadataKeys.IdempotencyKey] = request.IdempotencyKey,
            },
            // Off-session there is nobody to redirect, so redirect-based methods are excluded.
            AutomaticPaymentMethods = new PaymentIntentAutomaticPaymentMethodsOptions
            {
                Enabled = true,
                AllowRedirects = request.OffSession || request.ReturnUrl is null ? "never" : null,
            },
        };
        if (request.OffSession) create.OffSession = true;
        else if (request.ReturnUrl is not null) create.ReturnUrl = request.ReturnUrl;
        if (request.SetupFutureUsage) create.SetupFutureUsage = "off_session";
        if (request.MethodKind == PaymentMethodKind.BankAccount)
        {
            create.PaymentMethodOptions = new PaymentIntentPaymentMethodOptionsOptions
            {
                UsBankAccount = new PaymentIntentPaymentMethodOptionsUsBankAccountOptions
                {
                    // Financial Connections first, micro-deposits when the bank cannot be linked instantly.
                    VerificationMethod = "automatic",
                    FinancialConnections = new PaymentIntentPaymentMethodOptionsUsBankAccountFinancialConnectionsOptions
                    {
                        Permissions = ["payment_method"],
                    },
                },
            };
            if (request.Mandate is { } m && !request.OffSession)
            {
                create.MandateData = new PaymentIntentMandateDataOptions
                {
                    CustomerAcceptance = new PaymentIntentMandateDataCustomerAcceptanceOptions
                    {
                        Type = "online",
                        AcceptedAt = m.AcceptedAt.UtcDateTime,
                        Online = new PaymentIntentMandateDataCustomerAcceptanceOnlineOptions
                        {
                            IpAddress = m.IpAddress, UserAgent = m.UserAgent,
                        },
                    },
                };
            }
        }

        try
        {
            var intent = await PaymentIntents.CreateAsync(
                create, Request(request.ConnectedAccountId, request.IdempotencyKey), cancellationToken);
            return ToChargeResult(intent, request.MethodKind);
        }
        catch (StripeException ex) when (IsDecline(ex))
        {
            var code = DeclineCode(ex.StripeError);
            logger.LogInformation(
                "Stripe declined payment {PortalPaymentId}: {Code}", request.Metadata.PortalPaymentId, code);
            return ChargeResult.Declined(
                ex.StripeError?.PaymentIntent?.Id, code, FailureMessages.For(code, request.MethodKind));
        }
        catch (StripeException ex)
        {
            logger.LogWarning(ex, "Stripe answered {Status} for payment {PortalPaymentId}; outcome unknown",
                (int)ex.HttpStatusCode, request.Metadata.PortalPaymentId);
            return ChargeResult.Unknown(ex.StripeError?.PaymentIntent?.Id, $"http_{(int)ex.HttpStatusCode}");
        }
        catch (Exception ex) when (ex is HttpRequestException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning(ex, "No answer from Stripe for payment {PortalPaymentId}; outcome unknown",
                request.Metadata.PortalPaymentId);
            return ChargeResult.Unknown(null, "timeout");
        }
    }

    /// <summary>
    /// A 402 (card error) or a 400 that Stripe answered definitively: no money moved. Everything else (401/403 keys,
    /// 409 idempotent request in flight, 429, 5xx, no status) leaves the outcome unknown for the reconciler.
    /// </summary>
    private static bool IsDecline(StripeException ex) =>
        ex.HttpStatusCode == HttpStatusCode.PaymentRequired
        || (ex.HttpStatusCode == HttpStatusCode.BadRequest
            && ex.StripeError?.Type is "card_error" or "invalid_request_error");

    /// <summary>
    /// The reason to store: an ACH return's network code ("R01") when Stripe gives it, as the sandbox reports returns;
    /// else the issuer's decline code, else the error code. Stripe's names for returns ("insufficient_funds" on a bank
    /// debit) are read as return codes by <see cref="AchReturn"/> too.
    /// </summary>
    private static string DeclineCode(StripeError? error) =>
        AchReturn.IsNetworkCode(error?.NetworkDeclineCode) ? error!.NetworkDeclineCode!.ToUpperInvariant()
        : error?.DeclineCode is { Length: > 0 } d && d != "generic_decline" ? d : error?.Code ?? "card_declined";

    private static ChargeResult ToChargeResult(PaymentIntent intent, PaymentMethodKind kind)
    {
        var p = ToProcessorPayment(intent, kind);
        return new ChargeResult(p.Outcome, p.ProcessorPaymentId, p.NextActionUrl, p.FailureCode, p.FailureMessage);
    }

    internal static ProcessorPayment ToProcessorPayment(
        PaymentIntent intent, PaymentMethodKind kind = PaymentMethodKind.Card)
    {
        if (intent.PaymentMethodTypes?.Contains("us_bank_account") == true && intent.PaymentMethodTypes.Count == 1)
            kind = PaymentMethodKind.BankAccount;
        string? failureCode = null, failureMessage = null, url = null;
        var outcome = intent.Status switch
        {
            "succeeded" => ChargeOutcome.Succeeded,
            "processing" => ChargeOutcome.Processing,
            "requires_action" => ChargeOutcome.RequiresAction,
            "requires_payment_method" or "canceled" => ChargeOutcome.Declined,
            _ => ChargeOutcome.Unknown,
        };
        if (outcome == ChargeOutcome.RequiresAction)
        {
            url = intent.NextAction?.RedirectToUrl?.Url
                ?? intent.NextAction?.VerifyWithMicrodeposits?.HostedVerificationUrl;
        }
        if (outcome == ChargeOutcome.Declined)
        {
            failureCode = intent.Status == "canceled" ? "canceled" : DeclineCode(intent.LastPaymentError);
            failureMessage = FailureMessages.For(failureCode, kind);
        }
        intent.Metadata ??= [];
        intent.Metadata.TryGetValue(MetadataKeys.IdempotencyKey, out var key);
        long? portalId = intent.Metadata.TryGetValue(MetadataKeys.PortalPaymentId, out var pid)
            && long.TryParse(pid, CultureInfo.InvariantCulture, out var n) ? n : null;
        return new ProcessorPayment(intent.Id, outcome, intent.Amount, intent.Currency ?? "usd", key, portalId, url,
            failureCode, failureMessage);
    }

    public async Task<ProcessorPayment?> GetPaymentAsync(
        string processorPaymentId, string? connectedAccountId = null, CancellationToken cancellationToken = default)
    {
        try
        {
            var intent = await PaymentIntents.GetAsync(
                processorPaymentId, null, Request(connectedAccountId), cancellationToken);
            return ToProcessorPayment(intent);
        }
        catch (StripeException ex) when (ex.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<ProcessorPayment?> FindPaymentAsync(
        PaymentLookup lookup, CancellationToken cancellationToken = default)
    {
        // Stripe cannot be asked by idempotency key, so the key also travels as metadata. Search is indexed within
        // about a minute; the reconciler only looks at payments older than that. The customer's recent list is the
        // fallback when search has not caught up (or is unavailable on the account).
        var escaped = lookup.IdempotencyKey.Replace("'", "\\'", StringComparison.Ordinal);
        var found = await PaymentIntents.SearchAsync(new PaymentIntentSearchOptions
        {
            Query = $"metadata['{MetadataKeys.IdempotencyKey}']:'{escaped}'",
            Limit = 10,
        }, Request(lookup.ConnectedAccountId), cancellationToken);
        var match = found.Data.FirstOrDefault(i =>
            i.Metadata?.GetValueOrDefault(MetadataKeys.IdempotencyKey) == lookup.IdempotencyKey);
        if (match is null && lookup.ProcessorCustomerId is { } customerId)
        {
            var recent = await PaymentIntents.ListAsync(
                new PaymentIntentListOptions { Customer = customerId, Limit = 100 },
                Request(lookup.ConnectedAccountId), cancellationToken);
            match = recent.Data.FirstOrDefault(i =>
                i.Metadata?.GetValueOrDefault(MetadataKeys.IdempotencyKey) == lookup.IdempotencyKey);
        }
        return match is null ? null : ToProcessorPayment(match);
    }

    public async Task<SetupResult> CreateSetupAsync(SetupRequest request, CancellationToken cancellationToken = default)
    {
        var create = new SetupIntentCreateOptions
        {
            Customer = request.ProcessorCustomerId,
            Usage = "off_session",
            Metadata = request.Metadata?.ToDictionary(),
            PaymentMethodOptions = new SetupIntentPaymentMethodOptionsOptions
            {
                UsBankAccount = new SetupIntentPaymentMethodOptionsUsBankAccountOptions
                {
                    VerificationMethod = "automatic",
                    FinancialConnections = new SetupIntentPaymentMethodOptionsUsBankAccountFinancialConnectionsOptions
                    {
                        Permissions = ["payment_method"],
                    },
                },
            },
        };
        if (request.MethodKind is { } kind)
        {
            create.AllowedPaymentMethodTypes = [kind == PaymentMethodKind.BankAccount ? "us_bank_account" : "card"];
            if (kind == PaymentMethodKind.Card) create.PaymentMethodOptions = null;
        }
        else
        {
            create.AutomaticPaymentMethods = new SetupIntentAutomaticPaymentMethodsOptions { Enabled = true };
        }
        var intent = await SetupIntents.CreateAsync(create, Request(request.ConnectedAccountId), cancellationToken);
        return ToSetupResult(intent);
    }

    public async Task<SetupResult> ConfirmSetupAsync(
        ConfirmSetupRequest request, CancellationToken cancellationToken = default)
    {
        // The customer the setup is for, as Stripe has it: the method must be attached to nobody else before it is.
        var account = request.ConnectedAccountId;
        var setup = await SetupIntents.GetAsync(request.SetupId, null, Request(account), cancellationToken);
        if (setup.CustomerId is not { Length: > 0 } setupCustomer)
            throw new InvalidOperationException($"Setup {setup.Id} has no customer.");
        var token = request.PaymentMethodToken;
        if (await RefuseMethodAsync(token, setupCustomer, account, cancellationToken) is { } refused)
        {
            return new SetupResult(request.SetupId, null, SetupOutcome.Failed, token, null, refused,
                FailureMessages.For(refused));
        }
        var confirm = new SetupIntentConfirmOptions
        {
            PaymentMethod = request.PaymentMethodToken, ReturnUrl = request.ReturnUrl,
        };
        if (request.Mandate is { } m)
        {
            confirm.MandateData = new SetupIntentMandateDataOptions
            {
                CustomerAcceptance = new SetupIntentMandateDataCustomerAcceptanceOptions
                {
                    Type = "online",
                    AcceptedAt = m.AcceptedAt.UtcDateTime,
                    Online = new SetupIntentMandateDataCustomerAcceptanceOnlineOptions
                    {
                        IpAddress = m.IpAddress, UserAgent = m.UserAgent,
                    },
                },
            };
        }
        try
        {
            var intent = await SetupIntents.ConfirmAsync(
                request.SetupId, confirm, Request(request.ConnectedAccountId), cancellationToken);
            return ToSetupResult(intent);
        }
        catch (StripeException ex) when (IsDecline(ex))
        {
            var code = DeclineCode(ex.StripeError);
            return new SetupResult(request.SetupId, null, SetupOutcome.Failed, request.PaymentMethodToken, null, code,
                FailureMessages.For(code));
        }
    }

    private static SetupResult ToSetupResult(SetupIntent intent)
    {
        var outcome = intent.Status switch
        {
            "succeeded" => SetupOutcome.Succeeded,
            "processing" => SetupOutcome.Processing,
            "requires_action" => SetupOutcome.RequiresAction,
            "canceled" => SetupOutcome.Failed,
            _ when intent.LastSetupError is not null => SetupOutcome.Failed,
            _ => SetupOutcome.RequiresPaymentMethod,
        };
        var code = outcome == SetupOutcome.Failed ? DeclineCode(intent.LastSetupError) : null;
        return new SetupResult(intent.Id, intent.ClientSecret, outcome, intent.PaymentMethodId,
            intent.NextAction?.RedirectToUrl?.Url ?? intent.NextAction?.VerifyWithMicrodeposits?.HostedVerificationUrl,
            code, code is null ? null : FailureMessages.For(code));
    }

    public async Task<PaymentMethodDetails?> GetPaymentMethodAsync(
        string token, string? connectedAccountId = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return ToDetails(
                await PaymentMethods.GetAsync(token, null, Request(connectedAccountId), cancellationToken));
        }
        catch (StripeException ex) when (ex.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<PaymentMethodDetails>> ListPaymentMethodsAsync(
        string processorCustomerId, string? connectedAccountId = null, CancellationToken cancellationToken = default)
    {
        var list = await new CustomerPaymentMethodService(client).ListAsync(processorCustomerId,
            new CustomerPaymentMethodListOptions { Limit = 100 }, Request(connectedAccountId), cancellationToken);
        return list.Data.Select(ToDetails).OfType<PaymentMethodDetails>().ToList();
    }

    public async Task<DetachOutcome> DetachPaymentMethodAsync(string processorCustomerId, string token,
        string? connectedAccountId = null, CancellationToken cancellationToken = default)
    {
        PaymentMethod method;
        try
        {
            method = await PaymentMethods.GetAsync(token, null, Request(connectedAccountId), cancellationToken);
        }
        catch (StripeException ex) when (ex.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return DetachOutcome.NotFound;
        }
        if (method.CustomerId != processorCustomerId)
        {
            logger.LogWarning(
                "Refused to detach a payment method that does not belong to customer {ProcessorCustomerId}",
                processorCustomerId);
            return DetachOutcome.NotOwned;
        }
        await PaymentMethods.DetachAsync(token, null, Request(connectedAccountId), cancellationToken);
        return DetachOutcome.Detached;
    }

    /// <summary>
    /// payments.md: a PaymentMethod is used only if it is attached to this Stripe customer, or to nobody yet (the
    /// portal has then bound it to the customer and contact who entered it). Asked of Stripe before anything is
    /// attached or confirmed. Returns the failure code to answer with, or null when it may be used; nothing has been
    /// created either way.
    /// </summary>
    private async Task<string?> RefuseMethodAsync(string token, string processorCustomerId, string? connectedAccountId,
        CancellationToken cancellationToken)
    {
        PaymentMethod method;
        try
        {
            method = await PaymentMethods.GetAsync(token, null, Request(connectedAccountId), cancellationToken);
        }
        catch (StripeException ex) when (ex.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return "payment_method_not_found";
        }
        catch (Exception ex) when (ex is StripeException or HttpRequestException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning(ex, "Could not check a payment method for customer {ProcessorCustomerId}; nothing sent",
                processorCustomerId);
            return "processing_error";
        }
        if (method.CustomerId is null || method.CustomerId == processorCustomerId) return null;
        logger.LogWarning("Refused a payment method of another Stripe customer for customer {ProcessorCustomerId}",
            processorCustomerId);
        return "payment_method_not_found";
    }

    private static PaymentMethodDetails? ToDetails(PaymentMethod pm) => pm.Type switch
    {
        "card" when pm.Card is { } c => new PaymentMethodDetails(pm.Id, PaymentMethodKind.Card, pm.CustomerId, c.Last4,
            Brand: BrandName(c.DisplayBrand ?? c.Brand), ExpMonth: (int)c.ExpMonth, ExpYear: (int)c.ExpYear),
        "us_bank_account" when pm.UsBankAccount is { } b => new PaymentMethodDetails(pm.Id,
            PaymentMethodKind.BankAccount, pm.CustomerId, b.Last4, BankName: b.BankName, AccountType: b.AccountType),
        _ => null,
    };

    private static string BrandName(string? brand) => brand switch
    {
        "visa" => "Visa",
        "mastercard" => "Mastercard",
        "amex" or "american_express" => "American Express",
        "discover" => "Discover",
        "diners" => "Diners Club",
        "jcb" => "JCB",
        "unionpay" => "UnionPay",
        null or "" => "Card",
        _ => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(brand.Replace('_', ' ')),
    };

    public WebhookParseResult ParseWebhook(string rawBody, string? signatureHeader)
    {
        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ConstructEvent(rawBody, signatureHeader ?? "", options.WebhookSecret,
                WebhookSignature.DefaultToleranceSeconds, time.GetUtcNow().ToUnixTimeSeconds(),
                throwOnApiVersionMismatch: true);
        }
        catch (StripeException ex)
        {
            return WebhookParseResult.Rejected(ex.Message);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException
                                   or System.Text.Json.JsonException or Newtonsoft.Json.JsonException)
        {
            return WebhookParseResult.Rejected("The event body is malformed.");
        }

        var created = new DateTimeOffset(DateTime.SpecifyKind(stripeEvent.Created, DateTimeKind.Utc));
        if (stripeEvent.Data?.Object is not PaymentIntent intent)
        {
            return WebhookParseResult.Accepted(
                new ProcessorEvent(stripeEvent.Id, stripeEvent.Type, created, null, null, null));
        }

        PaymentStatus? status = stripeEvent.Type switch
        {
            EventTypes.PaymentIntentSucceeded => PaymentStatus.Succeeded,
            EventTypes.PaymentIntentProcessing => PaymentStatus.Processing,
            EventTypes.PaymentIntentRequiresAction => PaymentStatus.RequiresAction,
            EventTypes.PaymentIntentPaymentFailed or EventTypes.PaymentIntentCanceled => PaymentStatus.Failed,
            _ => null,
        };
        var payment = ToProcessorPayment(intent);
        var code = status == PaymentStatus.Failed ? payment.FailureCode ?? DeclineCode(intent.LastPaymentError) : null;
        return WebhookParseResult.Accepted(new ProcessorEvent(stripeEvent.Id, stripeEvent.Type, created, intent.Id,
            status, payment.PortalPaymentId, code,
            code is null ? null : payment.FailureMessage ?? FailureMessages.For(code),
            payment.AmountCents, payment.Currency, payment.IdempotencyKey));
    }
}
