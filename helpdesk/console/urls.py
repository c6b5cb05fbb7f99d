"""The agent console under /admin/console/ (namespace ``helpdesk_console``), mounted before the
admin's catch-all; every view goes through ``admin.site.admin_view``."""

from django.contrib import admin
from django.urls import path

from helpdesk.console import board, calls, inbox, macros, search_views, story, views

app_name = "helpdesk_console"
_v = admin.site.admin_view
urlpatterns = [
    path("", _v(views.console), name="inbox"),
    path("status/", _v(views.set_status), name="status"),
    path("rows/", _v(views.inbox_rows), name="rows"),
    path("macros/", _v(macros.personal_list), name="macros"),
    path("macros/new/", _v(macros.personal_edit), name="macro_new"),
    path("macros/<int:pk>/", _v(macros.personal_edit), name="macro_edit"),
    path("macros/<int:pk>/delete/", _v(macros.personal_delete), name="macro_delete"),
    path("calls/", _v(calls.find_customer), name="call_find"),
    path("calls/customer/<int:pk>/", _v(calls.log_for_customer), name="call_customer"),
    path("search/", _v(search_views.search_page), name="search"),
    path("search.json", _v(search_views.search_json), name="search_json"),
    path("board/", _v(board.board), name="board"),
    path("board/data/", _v(board.board_data), name="board_data"),
    path("views/", _v(inbox.view_save), name="view_save"),
    path("views/<int:pk>/delete/", _v(inbox.view_delete), name="view_delete"),
    path("bulk/", _v(inbox.bulk), name="bulk"),
    path("<str:reference>/", _v(views.conversation_view), name="conversation"),
    path("<str:reference>/resolve/", _v(views.resolve), name="resolve"),
    path("<str:reference>/transfer/", _v(views.transfer), name="transfer"),
    path("<str:reference>/update/", _v(views.update), name="update"),
    path("<str:reference>/returns/<str:return_reference>/", _v(story.return_action),
         name="return_action"),
    path("<str:reference>/macro/", _v(macros.apply), name="macro_apply"),
    path("<str:reference>/call/", _v(calls.log_from_conversation), name="call_log"),
    path("<str:reference>/take/", _v(inbox.take), name="take"),
    path("<str:reference>/tags/add/", _v(inbox.tag_add), name="tag_add"),
    path("<str:reference>/tags/remove/", _v(inbox.tag_remove), name="tag_remove"),
    path("<str:reference>/erase-customer/", _v(views.erase_customer), name="erase_customer"),
]
