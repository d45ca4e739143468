using LuckyGas.Api.Features.Security;

namespace LuckyGas.Tests.Security;

/// <summary>The traversal detector and the suspicious-pattern recognizers, without servers.</summary>
public sealed class RequestPatternTests
{
    [Theory]
    [InlineData("/files/../etc/passwd")]
    [InlineData("/files/%2e%2e/etc/passwd")]
    [InlineData("/files/%2E%2e%2Fetc%2Fpasswd")]
    [InlineData("/files/%252e%252e%252fetc%252fpasswd")]
    [InlineData("/files/%25252e%25252e/etc")]
    [InlineData("/files/..%5c..%5cwindows")]
    [InlineData("/files/..\\windows")]
    [InlineData("/files/%c0%ae%c0%ae/etc/passwd")]
    [InlineData("/files/%c0%ae%c0%ae%c0%afetc")]
    [InlineData("/files/%e0%80%ae%e0%80%ae/etc")]
    [InlineData("/files/%u002e%u002e/etc")]
    [InlineData("..")]
    [InlineData("../secret")]
    public void Traversal_IsDetected(string value)
    {
        Assert.True(PathTraversalDetector.IsTraversal(value));
    }

    [Theory]
    [InlineData("/api/v1/customers/12")]
    [InlineData("/api/v1/customers?search=a.b")]
    [InlineData("...")]
    [InlineData("file..txt")]
    [InlineData("100%")]
    [InlineData("50%25 off")]
    [InlineData("台北市大安區")]
    public void OrdinaryValue_IsNotTraversal(string value)
    {
        Assert.False(PathTraversalDetector.IsTraversal(value));
    }

    [Theory]
    [InlineData("' OR '1'='1")]
    [InlineData("1 or 1=1")]
    [InlineData("x' UNION SELECT password_hash FROM staff_users --")]
    [InlineData("1; DROP TABLE customers")]
    [InlineData("admin'--")]
    [InlineData("1' AND pg_sleep(5)")]
    [InlineData("'; WAITFOR DELAY '0:0:5'--")]
    [InlineData("1 AND 1=CAST((SELECT version()) AS int)")]
    public void SqlInjection_IsDetected(string value)
    {
        Assert.True(SuspiciousPatterns.IsSqlInjection(value));
    }

    [Theory]
    [InlineData("好味小吃")]
    [InlineData("Johnson and Johnson")]
    [InlineData("復興南路一段 100 號")]
    [InlineData("O'Brien")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64)")]
    public void OrdinaryText_IsNotSqlInjection(string value)
    {
        Assert.False(SuspiciousPatterns.IsSqlInjection(value));
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("javascript:alert(1)")]
    public void ScriptInjection_IsDetected(string value)
    {
        Assert.True(SuspiciousPatterns.IsScriptInjection(value));
    }

    [Theory]
    [InlineData("sqlmap/1.7.2#stable (https://sqlmap.org)")]
    [InlineData("Mozilla/5.00 (Nikto/2.5.0)")]
    [InlineData("Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)")]
    public void ScannerUserAgent_IsDetected(string userAgent)
    {
        Assert.True(SuspiciousPatterns.IsScanner(userAgent));
    }

    [Fact]
    public void BrowserUserAgent_IsNotScanner()
    {
        Assert.False(SuspiciousPatterns.IsScanner("Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36"));
    }
}
