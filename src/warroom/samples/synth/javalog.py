"""Java flavour: Logback's default Spring Boot line and the stack traces the services throw."""

from __future__ import annotations

from warroom.samples.synth.clock import spring

_TOMCAT = (
    "org.springframework.web.servlet.mvc.method.annotation.ServletInvocableHandlerMethod"
    ".invokeAndHandle(ServletInvocableHandlerMethod.java:118)",
    "org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter"
    ".invokeHandlerMethod(RequestMappingHandlerAdapter.java:920)",
    "org.springframework.web.servlet.DispatcherServlet.doDispatch(DispatcherServlet.java:1089)",
    "org.springframework.web.servlet.DispatcherServlet.doService(DispatcherServlet.java:979)",
    "org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1014)",
    "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:590)",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:138)",
    "org.apache.coyote.http11.Http11Processor.service(Http11Processor.java:397)",
    "org.apache.tomcat.util.net.NioEndpoint$SocketProcessor.doRun(NioEndpoint.java:1736)",
    "org.apache.tomcat.util.threads.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:659)",
    "java.base/java.lang.Thread.run(Thread.java:1583)",
)
_REFLECT = (
    "java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke"
    "(DirectMethodHandleAccessor.java:103)",
    "java.base/java.lang.reflect.Method.invoke(Method.java:580)",
    "org.springframework.web.method.support.InvocableHandlerMethod.doInvoke"
    "(InvocableHandlerMethod.java:255)",
)
_HIKARI_GET = (
    "com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:181)",
    "com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:146)",
    "com.zaxxer.hikari.HikariDataSource.getConnection(HikariDataSource.java:128)",
)
CHARGE_LINE = "com.shop.payment.service.PaymentServiceImpl.charge(PaymentServiceImpl.java:87)"
POOL_TIMEOUT = "HikariPool-1 - Connection is not available, request timed out after 30000ms."


def abbreviate(logger: str, width: int = 39) -> str:
    """Logback's ``%logger{39}``: shorten packages from the left until the name fits."""
    parts = logger.split(".")
    for i in range(len(parts) - 1):
        if len(".".join(parts)) <= width:
            break
        parts[i] = parts[i][0]
    return ".".join(parts)


def spring_line(t: int, level: str, thread: str, logger: str, message: str) -> str:
    """``%d %5p ${PID} --- [%15.15t] %-40.40logger{39} : %m``, Spring Boot 2's console layout."""
    return f"{spring(t)} {level:>5} 1 --- [{thread[-15:]:>15}] {abbreviate(logger):<40} : {message}"


def _at(frames: tuple[str, ...]) -> list[str]:
    return [f"\tat {f}" for f in frames]


def pool_timeout_trace(order_id: str) -> tuple[str, ...]:
    """payment-service: the charge gives up waiting for a pooled connection."""
    outer = (
        "com.shop.payment.service.PaymentServiceImpl.charge(PaymentServiceImpl.java:112)",
        "com.shop.payment.web.PaymentController.charge(PaymentController.java:41)",
        *_REFLECT,
        *_TOMCAT,
    )
    return (
        "com.shop.payment.service.PaymentUnavailableException: "
        f"could not charge order {order_id}: no database connection",
        *_at(outer),
        f"Caused by: java.sql.SQLTransientConnectionException: {POOL_TIMEOUT}",
        "\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)",
        *_at(_HIKARI_GET),
        f"\tat {CHARGE_LINE}",
        f"\t... {len(outer) - 1} common frames omitted",
    )


def leak_trace() -> tuple[str, ...]:
    """payment-service: Hikari's leak detector names the frame that borrowed the connection."""
    return (
        "java.lang.Exception: Apparent connection leak detected",
        "\tat com.zaxxer.hikari.HikariDataSource.getConnection(HikariDataSource.java:128)",
        f"\tat {CHARGE_LINE}",
        "\tat com.shop.payment.web.PaymentController.charge(PaymentController.java:41)",
        *_at(_REFLECT),
        *_at(_TOMCAT),
    )


def read_timeout_trace() -> tuple[str, ...]:
    """order-service: the call to payment-service times out (the victim's view)."""
    outer = (
        "org.springframework.web.client.RestTemplate.createResourceAccessException"
        "(RestTemplate.java:915)",
        "org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:895)",
        "org.springframework.web.client.RestTemplate.execute(RestTemplate.java:790)",
        "org.springframework.web.client.RestTemplate.postForEntity(RestTemplate.java:540)",
        "com.shop.order.client.PaymentClient.charge(PaymentClient.java:58)",
        "io.github.resilience4j.retry.Retry.lambda$decorateCheckedSupplier$3(Retry.java:224)",
        "com.shop.order.service.CheckoutService.checkout(CheckoutService.java:131)",
        "com.shop.order.web.OrderController.checkout(OrderController.java:47)",
        *_REFLECT,
        *_TOMCAT,
    )
    return (
        "org.springframework.web.client.ResourceAccessException: I/O error on POST request "
        'for "http://payment-service:8080/payments/charge": Read timed out',
        *_at(outer),
        "Caused by: java.net.SocketTimeoutException: Read timed out",
        "\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:278)",
        "\tat java.base/sun.nio.ch.NioSocketImpl.implRead(NioSocketImpl.java:304)",
        "\tat java.base/sun.nio.ch.NioSocketImpl.read(NioSocketImpl.java:346)",
        "\tat java.base/java.net.Socket$SocketInputStream.read(Socket.java:1099)",
        "\tat org.apache.hc.core5.http.impl.io.SessionInputBufferImpl.fillBuffer"
        "(SessionInputBufferImpl.java:149)",
        "\tat org.apache.hc.client5.http.impl.classic.InternalHttpClient.doExecute"
        "(InternalHttpClient.java:170)",
        "\tat org.springframework.http.client.HttpComponentsClientHttpRequest.executeInternal"
        "(HttpComponentsClientHttpRequest.java:95)",
        "\tat org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:889)",
        f"\t... {len(outer) - 2} common frames omitted",
    )
