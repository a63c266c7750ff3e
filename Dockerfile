# Multi-stage build of CustomerPortal.Web. Used by docker-compose.yml; also `docker build -t customerportal .`

# --- build: .NET SDK + Node.js/npm (the web project copies Bootstrap from npm into wwwroot/lib at build) ---
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src

# Restore first, from the project files only, so the layer is cached while only code changes.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/CustomerPortal.Domain/CustomerPortal.Domain.csproj src/CustomerPortal.Domain/
COPY src/CustomerPortal.Infrastructure/CustomerPortal.Infrastructure.csproj src/CustomerPortal.Infrastructure/
COPY src/CustomerPortal.Web/CustomerPortal.Web.csproj src/CustomerPortal.Web/
RUN dotnet restore src/CustomerPortal.Web/CustomerPortal.Web.csproj

COPY src/ src/
RUN dotnet publish src/CustomerPortal.Web/CustomerPortal.Web.csproj -c Release -o /app --no-restore

# --- runtime: ASP.NET Core + fonts for the PDF documents ---
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app ./
# data/ holds the sandbox processor's store (and the SQLite file, if used); the app user must own it. The
# data-protection keys live in the database.
RUN mkdir -p /app/data && chown -R "$APP_UID" /app/data
VOLUME /app/data
ENV ASPNETCORE_URLS=http://+:8080
EXPOSE 8080
USER $APP_UID
ENTRYPOINT ["dotnet", "CustomerPortal.Web.dll"]
